// File names for Import/Export Image…: free of `vscode` (unit-tested).
import * as path from 'node:path';
import { registry } from '@containerd-explorer/client';

/** A repository name from an archive's file name, for images the archive leaves unnamed: `My App.tar` → `my-app`. */
export function baseNameFor(file: string): string {
  const stem = path.basename(file).replace(/\.(tar(\.gz)?|tgz)$/i, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return stem && registry.tryParseReference(stem, { defaultTag: false }) ? stem : 'imported';
}

/** `docker.io/library/redis:alpine` → `redis-alpine.tar`. */
export function exportFileName(image: string): string {
  const ref = registry.tryParseReference(image);
  return `${(ref ? `${ref.familiarName.split('/').pop()}-${ref.tag ?? 'latest'}` : 'image').replace(/[^\w.-]+/g, '-')}.tar`;
}
