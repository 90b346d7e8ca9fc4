// "Containerd: Push Image…": an image (the clicked one, or picked), where to (its own reference, or a new one that
// is tagged first, validated as Pull's references are), then the push in a cancellable notification with blobs,
// bytes and manifests. Credentials as Pull: SecretStorage logins, then ~/.docker/config.json.
import {
  CancelledError, imageNameProblem, normalizeImageName, push, registry, tagImage, type Image, type PushProgress,
} from '@containerd-explorer/client';
import { isNode } from '../../views/model/nodes';
import { clientFor, type CommandDeps } from '../shared/command-deps';
import { pickImages } from '../shared/pickers';
import { Cancelled } from '../shared/host';
import { pullSettings } from '../../settings/registry-settings';
import { describePushProgress, summarisePush } from './push-progress';
import type { RegistryLogins } from '../registries/registry-credentials';
import { RegistryTransfer } from '../registries/registry-transfer';

/** Programmatic form of the argument (tests, other extensions): skips the questions. */
export interface PushArgs { image: string; reference?: string; namespace?: string }

function isPushArgs(v: unknown): v is PushArgs {
  return !!v && typeof v === 'object' && typeof (v as PushArgs).image === 'string';
}

async function askReference(deps: CommandDeps, image: string): Promise<string> {
  const typed = (await deps.host().input({
    title: `Push ${image} to`,
    value: image,
    prompt: 'A registry reference (host/repository:tag). A different name tags the image first, as `nerdctl tag` + `nerdctl push`',
    validateInput: (v) => (v.trim() ? imageNameProblem(v.trim()) : 'Enter a reference, e.g. registry.example.com/app:1.0'),
  }))?.trim();
  if (!typed) throw new Cancelled();
  return normalizeImageName(typed);
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
  const client = await clientFor(deps, namespace);
  if (reference !== image) {
    // Tagged first, so the pushed name also exists locally (as nerdctl does it).
    await tagImage(client, image, reference);
    deps.log.info(`Tagged ${image} as ${reference} in namespace ${namespace}`);
  }
  const settings = pullSettings(deps.log);
  const transfer = new RegistryTransfer<PushProgress>(deps, 'Push', reference, describePushProgress);
  const familiar = transfer.familiar;
  deps.log.info(`Pushing ${reference} from namespace ${namespace}`);
  try {
    const pushed = await transfer.run(logins, settings, (options) => push(client, reference, options));
    const summary = transfer.summary(summarisePush);
    deps.log.info(`Pushed ${reference}: ${summary}${transfer.method ? ` (${transfer.method.method})` : ''}`);
    deps.host().info(`Pushed ${familiar} (${summary}).`);
    return pushed;
  } catch (e) {
    if (e instanceof CancelledError) {
      deps.log.info(`Push of ${reference} cancelled`);
      deps.host().info(`Push of ${familiar} cancelled: the registry's tag was not changed.`);
      throw new Cancelled();
    }
    if (e instanceof registry.RegistryAuthError) throw transfer.authFailed(logins, e);
    throw new Error(`Push of ${familiar} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
