// The rows of the Pull Image… quick pick for what the user typed: the normalised reference to pull (or why it is
// not a reference), the "choose platform" variant, then recent pulls. Free of `vscode` at run time (unit-tested).
import type * as vscode from 'vscode';
import { registry } from '@containerd-explorer/client';

export interface RefItem extends vscode.QuickPickItem {
  reference?: string;
  choosePlatform?: boolean;
}

/** The items for what is typed: the pull itself (or why it cannot be pulled), then recent references. */
export function referenceItems(typed: string, history: string[], hostPlatform: string): RefItem[] {
  const value = typed.trim();
  const recent = history.map((r): RefItem => ({ label: `$(history) ${r}`, description: 'recent', reference: r }));
  if (!value) return recent;
  let parsed: registry.ParsedReference;
  try {
    parsed = registry.parseReference(value);
  } catch (e) {
    const reason = e instanceof registry.InvalidReferenceError ? e.reason : String(e);
    return [{ label: `$(error) ${reason}`, description: 'not a valid image reference', alwaysShow: true }, ...recent];
  }
  const ref = parsed.toString();
  const normalised = ref !== value ? `"${value}" is ${ref}` : undefined;
  return [
    { label: `$(cloud-download) ${ref}`, description: `pull for ${hostPlatform} (this host)`, detail: normalised, alwaysShow: true, reference: ref },
    { label: `$(list-selection) ${ref}`, description: 'choose the platform, or all…', alwaysShow: true, reference: ref, choosePlatform: true },
    ...recent.filter((r) => r.reference !== ref),
  ];
}
