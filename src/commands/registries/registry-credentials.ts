// Registry logins kept in VS Code's SecretStorage (the OS keychain), never in settings or logs: one secret per
// registry host; the list of hosts (not secret) in globalState for the Log Out picker. Pulls use these first,
// then ~/.docker/config.json `auths`.
import type * as vscode from 'vscode';
import { registry, type ContainerdError } from '@containerd-explorer/client';

const SECRET_PREFIX = 'containerd.registry.credentials/';
const HOSTS_KEY = 'containerd.registry.loggedInHosts';

type Credentials = registry.Credentials;

function isCredentials(v: unknown): v is Credentials {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return (typeof o.username === 'string' && typeof o.password === 'string') || typeof o.identityToken === 'string';
}

export class RegistryLogins {
  private readonly dockerConfig = registry.dockerConfigCredentials();

  constructor(private readonly secrets: vscode.SecretStorage, private readonly state: vscode.Memento) {}

  /** Host key as Docker writes it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  static key(host: string): string {
    return registry.normalizeRegistryHost(host);
  }

  hosts(): string[] {
    return [...(this.state.get<string[]>(HOSTS_KEY) ?? [])].sort();
  }

  async get(host: string): Promise<Credentials | undefined> {
    const text = await this.secrets.get(SECRET_PREFIX + RegistryLogins.key(host));
    if (!text) return undefined;
    try {
      const v = JSON.parse(text) as unknown;
      return isCredentials(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  async store(host: string, credentials: Credentials): Promise<void> {
    const key = RegistryLogins.key(host);
    await this.secrets.store(SECRET_PREFIX + key, JSON.stringify(credentials));
    await this.state.update(HOSTS_KEY, [...new Set([...this.hosts(), key])]);
  }

  async remove(host: string): Promise<void> {
    const key = RegistryLogins.key(host);
    await this.secrets.delete(SECRET_PREFIX + key);
    await this.state.update(HOSTS_KEY, this.hosts().filter((h) => h !== key));
  }

  /** What pulls use: our logins first, then Docker's config.json. */
  provider(): registry.CredentialsProvider {
    return registry.chainCredentials((host) => this.get(host), this.dockerConfig);
  }

  /** Where the credentials for `host` would come from, for messages. */
  async source(host: string): Promise<'login' | 'docker-config' | undefined> {
    if (await this.get(host)) return 'login';
    return (await this.dockerConfig(host)) ? 'docker-config' : undefined;
  }
}

/** Why `v` is not a registry host, or undefined. */
export function registryHostProblem(v: string): string | undefined {
  const host = RegistryLogins.key(v);
  if (!host) return 'Enter a registry host, e.g. docker.io, ghcr.io or localhost:5000';
  const parsed = registry.tryParseReference(`${host}/probe`);
  if (!parsed || parsed.domain !== host) return `"${v}" is not a registry host name (host or host:port)`;
  return undefined;
}

/** A clearer message for auth failures: where the refused credentials came from and what to do. */
export async function explainAuthError(logins: RegistryLogins, e: registry.RegistryAuthError | ContainerdError): Promise<string> {
  if (!(e instanceof registry.RegistryAuthError)) return e.message;
  const source = await logins.source(e.host);
  const status = `${e.status} ${e.status === 403 ? 'Forbidden' : 'Unauthorized'} from ${e.host}`;
  if (e.reason === 'rejected') {
    const where = source === 'login' ? ' stored by "Log In to Registry…"' : source === 'docker-config' ? ' from ~/.docker/config.json' : '';
    return `${status}: the credentials${where} were refused. Log in again with "Containerd: Log In to Registry…".`;
  }
  if (e.reason === 'required') return `${status}: this image needs a login, or does not exist. Log in with "Containerd: Log In to Registry…".`;
  return e.message;
}
