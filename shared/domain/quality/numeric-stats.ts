import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { type NumericSummary, QUANTILE_LEVELS, type Quantiles } from './profile-schema';
import { Reservoir } from './reservoir';

/**
 * The `p` quantile of ascending values by linear interpolation between order statistics
 * (Hyndman-Fan type 7, the default of R and NumPy), so a hand calculation can check it.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('no quantile of an empty sample');
  const position = (n - 1) * Math.min(1, Math.max(0, p));
  const below = Math.floor(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[Math.min(n - 1, below + 1)] ?? low;
  return low + (high - low) * (position - below);
}

export function quantilesOfSorted(sorted: ArrayLike<number>): Quantiles | null {
  if (sorted.length === 0) return null;
  const q = (level: number) => quantileOfSorted(sorted, level);
  return {
    p01: q(QUANTILE_LEVELS.p01),
    p05: q(QUANTILE_LEVELS.p05),
    p25: q(QUANTILE_LEVELS.p25),
    p50: q(QUANTILE_LEVELS.p50),
    p75: q(QUANTILE_LEVELS.p75),
    p95: q(QUANTILE_LEVELS.p95),
    p99: q(QUANTILE_LEVELS.p99),
  };
}

/** Seven significant digits: enough to bin for drift, about half the JSON of a full double. */
export function roundForSample(value: number): number {
  return Number.isInteger(value) && Math.abs(value) < 1e15 ? value : Number(value.toPrecision(7));
}

/** Count, extremes and moments in one pass (Welford), plus a sample for quantiles and drift. */
export class NumericAccumulator {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private zeros = 0;
  private negatives = 0;
  private readonly reservoir: Reservoir;

  constructor(sampleSize: number, rng: RandomGenerator) {
    this.reservoir = new Reservoir(sampleSize, rng);
  }

  add(value: number): void {
    this.n++;
    const delta = value - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (value - this.mean);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value === 0) this.zeros++;
    else if (value < 0) this.negatives++;
    this.reservoir.offer(value);
  }

  summary(roundSample: boolean): NumericSummary {
    const sorted = this.reservoir.sorted();
    const empty = this.n === 0;
    return {
      count: this.n,
      min: empty ? null : this.min,
      max: empty ? null : this.max,
      mean: empty ? null : this.mean,
      std: empty ? null : Math.sqrt(Math.max(0, this.m2 / this.n)),
      zeros: this.zeros,
      negatives: this.negatives,
      quantiles: quantilesOfSorted(sorted),
      sample: roundSample ? Array.from(sorted, roundForSample) : Array.from(sorted),
    };
  }
}
