// The summary figures every bench prints: a quantile between the two nearest samples, rounded.
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  return Math.round((s[Math.floor(at)] + s[Math.ceil(at)]) / 2);
};

/** n, median, p95 and max of `xs`, as the benches' rows give them. */
export const stats = (xs) => ({ n: xs.length, median: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: Math.max(...xs) });
