// containerd's identifier rules (pkg/identifiers): checked client-side so the user gets a precise message.
import { InvalidArgumentError } from './errors';

const IDENTIFIER = /^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$/;
export const MAX_IDENTIFIER_LENGTH = 76;

/** Returns why `id` is not a valid containerd identifier, or undefined when it is. */
export function identifierProblem(id: string, what = 'identifier'): string | undefined {
  if (!id) return `${what} must not be empty`;
  if (id.length > MAX_IDENTIFIER_LENGTH) return `${what} "${id}" is ${id.length} characters long; containerd allows at most ${MAX_IDENTIFIER_LENGTH}`;
  if (!IDENTIFIER.test(id)) return `${what} "${id}" is not valid: use letters and digits, separated by single ".", "_" or "-" (it must start and end with a letter or digit)`;
  return undefined;
}

export function validateIdentifier(id: string, what = 'identifier'): void {
  const problem = identifierProblem(id, what);
  if (problem) throw new InvalidArgumentError(problem);
}
