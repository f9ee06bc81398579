import { ResponseModelError } from './errors';

/** Per-feature standardisation fitted on training rows: z = (x − mean) / std. */
export interface Scaler {
  means: number[];
  stds: number[];
}

// Below this a feature is treated as constant: dividing by a rounding-error std would blow up noise.
const MIN_STD = 1e-12;

/**
 * Fits means and population standard deviations over the given rows (all rows when omitted) of a
 * row-major matrix. A constant feature gets std 1, so it standardises to 0 instead of NaN or ±∞.
 */
export function fitScaler(
  features: Float32Array,
  featureCount: number,
  rows: ArrayLike<number> | undefined = undefined,
): Scaler {
  const count = rows === undefined ? features.length / featureCount : rows.length;
  if (count === 0) throw new ResponseModelError('cannot fit a scaler on zero rows');
  const rowAt = (i: number) => (rows === undefined ? i : (rows[i] as number));

  // Two passes in float64: float32 sums over 10^5 rows lose the digits the variance depends on.
  const sums = new Float64Array(featureCount);
  for (let i = 0; i < count; i++) {
    const base = rowAt(i) * featureCount;
    for (let f = 0; f < featureCount; f++) sums[f] = (sums[f] as number) + (features[base + f] as number);
  }
  const means = Array.from(sums, (s) => s / count);
  const squares = new Float64Array(featureCount);
  for (let i = 0; i < count; i++) {
    const base = rowAt(i) * featureCount;
    for (let f = 0; f < featureCount; f++) {
      const d = (features[base + f] as number) - (means[f] as number);
      squares[f] = (squares[f] as number) + d * d;
    }
  }
  const stds = Array.from(squares, (s) => {
    const std = Math.sqrt(s / count);
    return std > MIN_STD ? std : 1;
  });
  return { means, stds };
}

/** Returns a standardised copy of `rows` × featureCount values; the input is left untouched. */
export function applyScaler(scaler: Scaler, features: Float32Array, rows: number): Float32Array {
  const featureCount = scaler.means.length;
  const out = new Float32Array(rows * featureCount);
  for (let r = 0; r < rows; r++) {
    const base = r * featureCount;
    for (let f = 0; f < featureCount; f++) {
      out[base + f] =
        ((features[base + f] as number) - (scaler.means[f] as number)) / (scaler.stds[f] as number);
    }
  }
  return out;
}
