// Small statistics for the bench: medians and a stable way to alternate contenders.
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The contenders in a different order each round, so drift does not favour one. */
export const rotate = (items, round) => items.map((_, i) => items[(i + round) % items.length]);

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
