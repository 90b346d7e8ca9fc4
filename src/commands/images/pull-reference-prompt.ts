// The "Pull Image…" input: a quick pick the user types a reference into. It validates as they type (Docker's
// reference grammar), shows the normalised reference that will be pulled (`redis` → docker.io/library/redis:latest),
// and lists recent pulls (history in globalState).
import * as vscode from 'vscode';
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

/** Shows the quick pick; undefined when dismissed. */
export function promptReference(title: string, history: string[], hostPlatform: string): Promise<PullChoice | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<RefItem>();
    qp.title = title;
    qp.placeholder = 'Image to pull, e.g. redis:alpine, library/redis, ghcr.io/org/app@sha256:…, localhost:5000/app:1';
    qp.matchOnDescription = false;
    qp.ignoreFocusOut = true;
    qp.items = referenceItems('', history, hostPlatform);
    let done = false;
    const finish = (v: PullChoice | undefined): void => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeValue((v) => { qp.items = referenceItems(v, history, hostPlatform); });
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      // An invalid reference keeps the picker open: its first row already says what is wrong.
      if (!item?.reference) return;
      finish({ reference: item.reference, choosePlatform: !!item.choosePlatform });
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
