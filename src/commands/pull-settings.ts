// Settings that shape pulls: registries reached over plain HTTP (machine-scoped, so a workspace cannot turn TLS
// off) and how many layers download at once.
import * as vscode from 'vscode';
import { DEFAULT_PULL_CONCURRENCY, type registry } from '../containerd';

export interface PullSettings {
  registryOptions: registry.RegistryClientOptions;
  concurrency: number;
}

export function pullSettings(log?: vscode.LogOutputChannel): PullSettings {
  const config = vscode.workspace.getConfiguration('containerd');
  const insecure = (config.get<unknown[]>('insecureRegistries') ?? []).filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
  const n = Number(config.get<number>('pullConcurrency') ?? DEFAULT_PULL_CONCURRENCY);
  return {
    registryOptions: {
      insecureRegistries: insecure,
      // Registry debug lines name hosts and scopes, never credentials or signed URLs.
      ...(log ? { logger: { debug: (m: string) => log.debug(m) } } : {}),
    },
    concurrency: Number.isInteger(n) && n >= 1 && n <= 16 ? n : DEFAULT_PULL_CONCURRENCY,
  };
}
