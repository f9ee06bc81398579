/**
 * sign(x) · log(1 + |x|) of every value, as a new array. Counts, amounts and durations of customer
 * histories are heavy-tailed: standardised raw, one big spender is 40 standard deviations out and a
 * small network spends its capacity on them. The signed form keeps 0 at 0 and passes negative
 * features (trends, log ratios) through monotonically.
 */
export function signedLog1p(features: Float32Array): Float32Array {
  const out = new Float32Array(features.length);
  for (let i = 0; i < features.length; i++) {
    const x = features[i] as number;
    out[i] = Math.sign(x) * Math.log1p(Math.abs(x));
  }
  return out;
}
