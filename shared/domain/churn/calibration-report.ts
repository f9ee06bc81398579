import { ChurnModelError } from './errors';

/** One bin of a reliability table: customers of similar predicted probability. */
export interface ReliabilityBin {
  meanPredicted: number;
  observedRate: number;
  rows: number;
}

export interface CalibrationReport {
  /** Mean squared error of the probabilities against the 0/1 outcomes. */
  brier: number;
  /** Row-weighted mean |mean predicted − observed rate| over the bins (expected calibration error). */
  ece: number;
  bins: ReliabilityBin[];
}

/**
 * How well probabilities match outcome rates: the Brier score, and a reliability table of `bins`
 * equal-count bins by predicted probability (deciles by default). Equal-count bins, not equal-width:
 * with probabilities bunched in a narrow range, fixed-width bins would leave most of them empty.
 */
export function calibrationReport(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): CalibrationReport {
  const n = probabilities.length;
  if (labels.length !== n || n === 0) {
    throw new ChurnModelError(`calibration: ${n} probabilities for ${labels.length} labels`);
  }
  if (!Number.isInteger(bins) || bins < 1)
    throw new ChurnModelError(`calibration: bins must be ≥ 1, got ${bins}`);
  let brier = 0;
  for (let i = 0; i < n; i++) brier += ((probabilities[i] as number) - (labels[i] as number)) ** 2;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (probabilities[a] as number) - (probabilities[b] as number),
  );
  const table: ReliabilityBin[] = [];
  let ece = 0;
  for (let bin = 0; bin < bins; bin++) {
    const start = Math.floor((bin * n) / bins);
    const end = Math.floor(((bin + 1) * n) / bins);
    if (end === start) continue;
    let predicted = 0;
    let observed = 0;
    for (let i = start; i < end; i++) {
      predicted += probabilities[order[i] as number] as number;
      observed += labels[order[i] as number] as number;
    }
    const rows = end - start;
    const entry = { meanPredicted: predicted / rows, observedRate: observed / rows, rows };
    table.push(entry);
    ece += (rows / n) * Math.abs(entry.meanPredicted - entry.observedRate);
  }
  return { brier: brier / n, ece, bins: table };
}
