import { LagrangianDual } from './lagrangian';
import { copyPrices, type Prices } from './pricing';
import type { AllocationProblem } from './problem';

/**
 * Starting prices from samples. Dual prices are per-customer quantities: on a systematic sample
 * of customers with the budget and capacities scaled to the sample's share, they land close to
 * the full problem's. Searching a sample costs little, and the full problem's line searches then
 * start within a few percent of their answer instead of spanning the whole price range.
 */

/** Each level of the ladder samples one customer in this many of the level above. */
const SAMPLE_RATIO = 8;
/** The smallest level, searched from zero. */
const SMALLEST_SAMPLE = 4_000;
const SAMPLE_ROUNDS = 30;
/** Samples only need prices as accurate as their sampling noise. */
const SAMPLE_PRECISION = 1e-6;

/** True when a round lowered the bound by no more than `share` of it. */
export function stalled(before: number, after: number, share = 1e-12): boolean {
  return !(after < before - share * Math.max(1, Math.abs(before)));
}

/**
 * Runs rounds of coordinate descent until a round lowers the bound by no more than `precision`
 * of it, or `maxRounds` is reached.
 */
export function minimiseDual(
  problem: AllocationProblem,
  start: Prices | undefined,
  maxRounds: number,
  precision: number,
): { dual: LagrangianDual; rounds: number } {
  const dual = new LagrangianDual(problem, start, precision);
  let rounds = 0;
  while (dual.constrained && rounds < maxRounds) {
    const before = dual.bound;
    dual.round();
    rounds++;
    if (dual.moves === 0 || stalled(before, dual.bound, precision)) break;
  }
  return { dual, rounds };
}

/** `size` evenly spread customers (deterministic), with budget and capacities scaled to match. */
export function sampleProblem(problem: AllocationProblem, size: number): AllocationProblem {
  const n = problem.customers;
  const picked = new Int32Array(size);
  let options = 0;
  for (let s = 0; s < size; s++) {
    const i = Math.floor(((s + 0.5) * n) / size);
    picked[s] = i;
    options += (problem.optionStart[i + 1] as number) - (problem.optionStart[i] as number);
  }
  const optionStart = new Int32Array(size + 1);
  const value = new Float64Array(options);
  const cost = new Float64Array(options);
  const channel = new Int32Array(options);
  const offer = new Int32Array(options);
  // Element loops, not subarray().set(): a subarray per customer would allocate millions of views.
  let at = 0;
  for (let s = 0; s < size; s++) {
    const i = picked[s] as number;
    const to = problem.optionStart[i + 1] as number;
    for (let j = problem.optionStart[i] as number; j < to; j++, at++) {
      value[at] = problem.value[j] as number;
      cost[at] = problem.cost[j] as number;
      channel[at] = problem.channel[j] as number;
      offer[at] = problem.offer[j] as number;
    }
    optionStart[s + 1] = at;
  }
  const share = size / n;
  return {
    customers: size,
    optionStart,
    value,
    cost,
    channel,
    offer,
    budget: problem.budget * share,
    channelCapacity: problem.channelCapacity.map((cap) => cap * share),
    offerCapacity: problem.offerCapacity.map((cap) => cap * share),
  };
}

/**
 * Prices estimated on a ladder of samples, each a fraction of the one above and warm-started from
 * the one below, or undefined when the problem is small enough to search from zero. Each level
 * costs a few passes over a problem a fraction the size of the next, so the whole ladder costs
 * about as much as two or three passes over the full problem.
 */
export function estimatePrices(problem: AllocationProblem): Prices | undefined {
  if (problem.customers < SAMPLE_RATIO * SMALLEST_SAMPLE) return undefined;
  const sample = sampleProblem(problem, Math.floor(problem.customers / SAMPLE_RATIO));
  const { dual } = minimiseDual(sample, estimatePrices(sample), SAMPLE_ROUNDS, SAMPLE_PRECISION);
  return copyPrices(dual.prices);
}
