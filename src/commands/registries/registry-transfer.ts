// What Pull Image… and Push Image… share: the transfer in a cancellable progress notification (registry
// settings, logins, which method ran, progress as message and increment), its summary line, and a refused
// login's error with a Log In button.
import * as vscode from 'vscode';
import { registry, type ChosenPullMethod, type PullMethod } from '@containerd-explorer/client';
import type { CommandDeps } from '../shared/command-deps';
import { Cancelled } from '../shared/host';
import type { PullSettings } from '../../settings/registry-settings';
import { explainAuthError, type RegistryLogins } from './registry-credentials';

/** What the notification shows of a progress snapshot. */
export interface ProgressLine { message: string; fraction: number }

/** The options both `pull()` and `push()` take from the command. */
export interface RegistryTransferOptions<P> {
  signal: AbortSignal;
  credentials: registry.CredentialsProvider;
  registryOptions: registry.RegistryClientOptions;
  concurrency: number;
  method: PullMethod;
  onMethod: (c: ChosenPullMethod) => void;
  onProgress: (p: P) => void;
}

export class RegistryTransfer<P> {
  /** The last progress snapshot, and the method that ran (once chosen). */
  last: P | undefined;
  method: ChosenPullMethod | undefined;
  /** The reference as the user would write it, for messages. */
  readonly familiar: string;
  private readonly started = Date.now();

  constructor(
    private readonly deps: CommandDeps,
    private readonly verb: 'Pull' | 'Push',
    private readonly reference: string,
    private readonly describe: (p: P) => ProgressLine,
  ) {
    this.familiar = registry.parseReference(reference).familiar;
  }

  /** Runs `start` in a cancellable notification titled "Pulling/Pushing <image>". */
  run<T>(logins: RegistryLogins, settings: PullSettings, start: (options: RegistryTransferOptions<P>) => Promise<T>): Promise<T> {
    const title = `${this.verb}ing ${this.familiar}`;
    return this.deps.host().withProgress({ title, cancellable: true }, async (progress, signal) => {
      let reported = 0;
      return start({
        signal, credentials: logins.provider(), registryOptions: settings.registryOptions, concurrency: settings.concurrency,
        method: settings.method,
        onMethod: (c) => {
          this.method = c;
          this.deps.log.info(`${this.verb} of ${this.reference}: ${c.method === 'transfer' ? 'by containerd (Transfer service)' : 'client-side'}: ${c.reason}`);
        },
        onProgress: (p) => {
          this.last = p;
          const { message, fraction } = this.describe(p);
          // The notification's bar takes increments; a fraction that went back adds nothing.
          const increment = Math.max(0, fraction * 100 - reported);
          reported += increment;
          progress.report({ message, increment });
        },
      });
    });
  }

  /** `<what the last snapshot says> in <seconds> s`. */
  summary(summarise: (p: P) => string): string {
    return `${this.last ? summarise(this.last) : ''} in ${((Date.now() - this.started) / 1000).toFixed(1)} s`;
  }

  /** Shows a refused login's error (with a Log In button, not awaited) and returns the Cancelled to throw. */
  authFailed(logins: RegistryLogins, e: registry.RegistryAuthError): Cancelled {
    void this.showAuthError(logins, e);
    return new Cancelled();
  }

  private async showAuthError(logins: RegistryLogins, e: registry.RegistryAuthError): Promise<void> {
    const message = `${this.verb} of ${this.familiar} failed: ${await explainAuthError(logins, e)}`;
    this.deps.log.error(`containerd.${this.verb.toLowerCase()}Image: ${message}`);
    const action = 'Log In to Registry…';
    const choice = await this.deps.host().error(message, action);
    if (choice === action) await vscode.commands.executeCommand('containerd.registryLogin', registry.normalizeRegistryHost(e.host));
  }
}
