// "Containerd: Push Image…": an image (the clicked one, or picked), where to (its own reference, or a new one that
// is tagged first, validated as Pull's references are), then the push in a cancellable notification with blobs,
// bytes and manifests. Credentials as Pull: SecretStorage logins, then ~/.docker/config.json.
import * as vscode from 'vscode';
import {
  CancelledError, imageNameProblem, normalizeImageName, push, registry, tagImage, type ChosenPullMethod, type Image, type PushProgress,
} from '../containerd';
import { isNode } from '../views/tree/nodes';
import { connected, type CommandDeps } from './context';
import { pickImages } from './pickers';
import { Cancelled } from './prompts';
import { pullSettings } from './pull-settings';
import { describePushProgress, summarisePush } from './push-progress';
import { explainAuthError, type RegistryLogins } from './registry-credentials';

/** Programmatic form of the argument (tests, other extensions): skips the questions. */
export interface PushArgs { image: string; reference?: string; namespace?: string }

function isPushArgs(v: unknown): v is PushArgs {
  return !!v && typeof v === 'object' && typeof (v as PushArgs).image === 'string';
}

async function askReference(deps: CommandDeps, image: string): Promise<string> {
  const typed = (await deps.prompts().input({
    title: `Push ${image} to`,
    value: image,
    prompt: 'A registry reference (host/repository:tag). A different name tags the image first, as `nerdctl tag` + `nerdctl push`',
    validateInput: (v) => (v.trim() ? imageNameProblem(v.trim()) : 'Enter a reference, e.g. registry.example.com/app:1.0'),
  }))?.trim();
  if (!typed) throw new Cancelled();
  return normalizeImageName(typed);
}

async function showAuthError(deps: CommandDeps, logins: RegistryLogins, e: registry.RegistryAuthError, reference: string): Promise<void> {
  const message = `Push of ${reference} failed: ${await explainAuthError(logins, e)}`;
  deps.log.error(`containerd.pushImage: ${message}`);
  const action = 'Log In to Registry…';
  const choice = await vscode.window.showErrorMessage(message, action);
  if (choice === action) await vscode.commands.executeCommand('containerd.registryLogin', registry.normalizeRegistryHost(e.host));
}

export async function pushImage(deps: CommandDeps, logins: RegistryLogins, arg: unknown): Promise<Image | undefined> {
  let namespace = deps.active.name;
  let image: string;
  let reference: string;
  if (isPushArgs(arg)) {
    namespace = arg.namespace ?? namespace;
    image = arg.image;
    reference = normalizeImageName(arg.reference ?? arg.image);
  } else {
    const node = isNode(arg, 'image') ? arg : (await pickImages(deps, 'Push image', false))[0];
    namespace = node.namespace;
    image = node.name;
    reference = await askReference(deps, image);
  }
  const { client } = await connected(deps, namespace);
  if (reference !== image) {
    // Tagged first, so the pushed name also exists locally (as nerdctl does it).
    await tagImage(client, image, reference);
    deps.log.info(`Tagged ${image} as ${reference} in namespace ${namespace}`);
  }
  const settings = pullSettings(deps.log);
  const familiar = registry.parseReference(reference).familiar;
  const started = Date.now();
  let last: PushProgress | undefined;
  let method: ChosenPullMethod | undefined;
  deps.log.info(`Pushing ${reference} from namespace ${namespace}`);
  try {
    const pushed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${familiar}`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      return push(client, reference, {
        signal: abort.signal, credentials: logins.provider(), registryOptions: settings.registryOptions, concurrency: settings.concurrency,
        method: settings.method,
        onMethod: (c) => { method = c; deps.log.info(`Push of ${reference}: ${c.method === 'transfer' ? 'by containerd (Transfer service)' : 'client-side'}: ${c.reason}`); },
        onProgress: (p) => {
          last = p;
          const { message, fraction } = describePushProgress(p);
          const increment = Math.max(0, fraction * 100 - reported);
          reported += increment;
          progress.report({ message, increment });
        },
      });
    });
    const summary = `${last ? summarisePush(last) : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    deps.log.info(`Pushed ${reference}: ${summary}${method ? ` (${method.method})` : ''}`);
    deps.prompts().info(`Pushed ${familiar} (${summary}).`);
    return pushed;
  } catch (e) {
    if (e instanceof CancelledError) {
      deps.log.info(`Push of ${reference} cancelled`);
      deps.prompts().info(`Push of ${familiar} cancelled: the registry's tag was not changed.`);
      throw new Cancelled();
    }
    if (e instanceof registry.RegistryAuthError) {
      void showAuthError(deps, logins, e, familiar);
      throw new Cancelled();
    }
    throw new Error(`Push of ${familiar} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
