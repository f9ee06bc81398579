/**
 * Log-scaled RFM features for one customer who has purchased at least once.
 *
 * Log scaling because RFM values are heavy-tailed: without it a handful of big spenders would own
 * the monetary axis and k-means would spend its clusters on them. Net revenue can be negative
 * after returns; it is floored at 0 because "gave money back" is not a distinct kind of value.
 *
 * @param recencyDays - days since the last purchase, >= 0
 * @param frequency - distinct transactions in the window, >= 0
 * @param monetary - net revenue in the window
 * @example rfmFeatures(0, 0, -5) // [0, 0, 0]
 */
export function rfmFeatures(recencyDays: number, frequency: number, monetary: number): number[] {
  return [Math.log1p(recencyDays), Math.log1p(frequency), Math.log1p(Math.max(monetary, 0))];
}

export interface Standardized {
  /** Z-scored copy of the input rows. */
  rows: number[][];
  mean: number[];
  /** Divisor used per column: the population standard deviation, or 1 where the column is constant. */
  scale: number[];
}

/**
 * Z-scores every column so that no feature dominates the Euclidean distance by its units alone.
 * A constant column gets scale 1 (every value becomes 0) instead of a division by zero.
 *
 * @param rows - one row per point, all of the same width
 */
export function standardize(rows: readonly (readonly number[])[]): Standardized {
  const n = rows.length;
  const width = rows[0]?.length ?? 0;
  const mean = new Array<number>(width).fill(0);
  const scale = new Array<number>(width).fill(1);
  if (n === 0) return { rows: [], mean, scale };

  for (const row of rows) {
    for (let d = 0; d < width; d++) mean[d] = (mean[d] ?? 0) + (row[d] ?? 0);
  }
  for (let d = 0; d < width; d++) mean[d] = (mean[d] ?? 0) / n;

  // Two passes (mean, then squared deviations) rather than E[x^2] - E[x]^2, which cancels badly.
  const sumSq = new Array<number>(width).fill(0);
  for (const row of rows) {
    for (let d = 0; d < width; d++) {
      const dev = (row[d] ?? 0) - (mean[d] ?? 0);
      sumSq[d] = (sumSq[d] ?? 0) + dev * dev;
    }
  }
  const constant = new Array<boolean>(width).fill(false);
  for (let d = 0; d < width; d++) {
    const std = Math.sqrt((sumSq[d] ?? 0) / n);
    // Relative threshold: the mean of a constant column is itself off by rounding, so its values
    // show ~1e-17 deviations; those are written as an exact 0 rather than amplified.
    constant[d] = !(std > 1e-12 * Math.max(1, Math.abs(mean[d] ?? 0)));
    scale[d] = constant[d] ? 1 : std;
  }

  const out = rows.map((row) => {
    const z = new Array<number>(width);
    for (let d = 0; d < width; d++) {
      z[d] = constant[d] ? 0 : ((row[d] ?? 0) - (mean[d] ?? 0)) / (scale[d] ?? 1);
    }
    return z;
  });
  return { rows: out, mean, scale };
}
