// Order statistics for benchmark samples (nearest-rank percentiles: no interpolation between samples).

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function max(samples: readonly number[]): number {
  return samples.length ? Math.max(...samples) : NaN;
}

/** Milliseconds with a precision that suits their size. */
export function ms(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
}
