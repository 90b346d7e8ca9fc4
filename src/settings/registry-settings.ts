// Settings that shape pulls: registries reached over plain HTTP (machine-scoped, so a workspace cannot turn TLS
// off), how many layers download at once, and who pulls (containerd's Transfer service or this client).
import * as vscode from 'vscode';
import { DEFAULT_PULL_CONCURRENCY, type PullMethod, type registry } from '@containerd-explorer/client';

export interface PullSettings {
  registryOptions: registry.RegistryClientOptions;
  concurrency: number;
  method: PullMethod;
}

const PULL_METHODS: readonly PullMethod[] = ['auto', 'transfer', 'client'];

export function pullSettings(log?: vscode.LogOutputChannel): PullSettings {
  const config = vscode.workspace.getConfiguration('containerd');
  const insecure = (config.get<unknown[]>('insecureRegistries') ?? []).filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
  const n = Number(config.get<number>('pullConcurrency') ?? DEFAULT_PULL_CONCURRENCY);
  const method = config.get<unknown>('pullMethod');
  return {
    registryOptions: {
      insecureRegistries: insecure,
      // Registry debug lines name hosts and scopes, never credentials or signed URLs.
      ...(log ? { logger: { debug: (m: string) => log.debug(m) } } : {}),
    },
    concurrency: Number.isInteger(n) && n >= 1 && n <= 16 ? n : DEFAULT_PULL_CONCURRENCY,
    method: PULL_METHODS.find((m) => m === method) ?? 'auto',
  };
}
