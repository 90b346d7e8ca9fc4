// "Log In to Registry…" and "Log Out of Registry…": credentials are checked against the registry (as
// `docker login` does) and kept in SecretStorage. Passwords never reach settings, logs or messages.
import type * as vscode from 'vscode';
import { registry } from '@containerd-explorer/client';
import { registerCommand, type CommandDeps } from '../shared/command-deps';
import { pullSettings } from '../../settings/registry-settings';
import { Cancelled } from '../shared/host';
import { RegistryLogins, registryHostProblem } from './registry-credentials';

async function ask(deps: CommandDeps, options: vscode.InputBoxOptions & { title: string }): Promise<string> {
  const v = await deps.host().input({ ignoreFocusOut: true, ...options });
  if (v === undefined) throw new Cancelled();
  return v;
}

export async function logIn(deps: CommandDeps, logins: RegistryLogins, hostArg?: unknown): Promise<string> {
  const title = 'Log In to Registry';
  const initial = typeof hostArg === 'string' ? RegistryLogins.key(hostArg) : 'docker.io';
  const host = RegistryLogins.key(await ask(deps, {
    title, value: initial, prompt: 'Registry host (docker.io for Docker Hub)', validateInput: (v) => registryHostProblem(v.trim()),
  }));
  const username = (await ask(deps, { title: `${title}: ${host}`, prompt: 'User name', validateInput: (v) => (v.trim() ? undefined : 'Enter a user name') })).trim();
  const password = await ask(deps, {
    title: `${title}: ${host}`, password: true,
    prompt: 'Password or access token (kept in VS Code\'s secret storage, i.e. the OS keychain)',
    validateInput: (v) => (v ? undefined : 'Enter a password or token'),
  });
  const credentials = { username, password };
  let result: registry.LoginResult | undefined;
  try {
    result = await deps.host().withProgress({ title: `Checking the login to ${host}…` },
      () => registry.verifyLogin(host, credentials, pullSettings().registryOptions));
  } catch (e) {
    if (e instanceof registry.RegistryAuthError) throw new Error(`${host} refused the user name or password: nothing was stored.`);
    const message = e instanceof Error ? e.message : String(e);
    deps.log.warn(`registry login: could not check the login to ${host}: ${message}`);
    if (!(await deps.host().confirm(`Could not check the login to ${host}: ${message}`, { detail: 'Store the credentials anyway?', action: 'Store' }))) throw new Cancelled();
  }
  await logins.store(host, credentials);
  deps.log.info(`registry login: stored credentials for ${host} (user ${username})`);
  deps.host().info(result === 'not-required'
    ? `${host} does not ask for a login; the credentials are stored for when it does.`
    : `Logged in to ${host} as ${username}.`);
  return host;
}

export async function logOut(deps: CommandDeps, logins: RegistryLogins, hostArg?: unknown): Promise<string> {
  let host = typeof hostArg === 'string' ? RegistryLogins.key(hostArg) : undefined;
  if (!host) {
    const hosts = logins.hosts();
    if (!hosts.length) {
      deps.host().info('No registry login is stored by Containerd Explorer (~/.docker/config.json is left alone).');
      throw new Cancelled();
    }
    const picked = await deps.host().pick(hosts.map((h) => ({ label: h })), { title: 'Log Out of Registry' });
    if (!picked?.length) throw new Cancelled();
    host = picked[0].label;
  }
  await logins.remove(host);
  deps.log.info(`registry login: removed the credentials for ${host}`);
  deps.host().info(`Logged out of ${host}.`);
  return host;
}

export function registerRegistryCommands(deps: CommandDeps, logins: RegistryLogins): vscode.Disposable[] {
  return [
    registerCommand(deps, 'containerd.registryLogin', (host) => logIn(deps, logins, host)),
    registerCommand(deps, 'containerd.registryLogout', (host) => logOut(deps, logins, host)),
  ];
}
