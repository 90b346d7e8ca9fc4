// Waiting for several operations at once without leaving any behind: every promise settles before a failure is
// thrown, so the clean-up that follows the throw never races work still running (a stream still opening, a
// download still writing), and the failure reported is the first in the order given, not the first in time.

/**
 * Promise.all that waits for every promise to settle, then throws the first rejection in the order given (or what
 * `first` returns, when it returns something), else resolves to the values.
 */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }, first?: () => unknown): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw first?.() ?? failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
