// The "Pull Image…" input: a quick pick the user types a reference into. It validates as they type (Docker's
// reference grammar), shows the normalised reference that will be pulled (`redis` → docker.io/library/redis:latest),
// and lists recent pulls (history in globalState).
import type * as vscode from 'vscode';
import type { Host } from '../shared/host';
import { referenceItems, type RefItem } from './pull-reference-items';

const HISTORY_KEY = 'containerd.pullHistory';
const HISTORY_MAX = 20;

export class PullHistory {
  constructor(private readonly state: vscode.Memento) {}

  list(): string[] {
    return (this.state.get<unknown[]>(HISTORY_KEY) ?? []).filter((v): v is string => typeof v === 'string');
  }

  async add(reference: string): Promise<void> {
    await this.state.update(HISTORY_KEY, [reference, ...this.list().filter((r) => r !== reference)].slice(0, HISTORY_MAX));
  }
}

export interface PullChoice {
  /** Normalised reference. */
  reference: string;
  /** The user asked to choose the platform (or all) instead of the host's. */
  choosePlatform: boolean;
}

/** Asks through the host's typeahead; undefined when dismissed. */
export async function promptReference(host: Host, title: string, history: string[], hostPlatform: string): Promise<PullChoice | undefined> {
  const item = await host.typeahead<RefItem>({
    title,
    placeholder: 'Image to pull, e.g. redis:alpine, library/redis, ghcr.io/org/app@sha256:…, localhost:5000/app:1',
    items: (typed) => referenceItems(typed, history, hostPlatform),
    // An invalid reference keeps the picker open: its first row already says what is wrong.
    accepts: (i) => !!i.reference,
  });
  return item?.reference ? { reference: item.reference, choosePlatform: !!item.choosePlatform } : undefined;
}
