import { type Prices, SPEND_SLOT } from './pricing';
import type { AllocationProblem } from './problem';

/**
 * The constraints worth pricing: finite, and tighter than what the customers could ever use (a
 * channel capacity above the number of customers with a profitable option there can never bind).
 * Each gets one multiplier; the solver works on the vector of these.
 */

export const BUDGET = 0;
export const CHANNEL = 1;
export const OFFER = 2;

export interface BindingConstraint {
  kind: typeof BUDGET | typeof CHANNEL | typeof OFFER;
  /** Channel or offer index (0 for the budget). */
  index: number;
  capacity: number;
  /** Index of the constraint's use in the aggregates. */
  slot: number;
  /** A multiplier at which nobody uses the constraint, whatever the other prices. */
  upper: number;
}

/** The constraints that can bind, capacities first and the budget last. */
export function bindingConstraints(problem: AllocationProblem): BindingConstraint[] {
  const { optionStart, value, cost, channel, offer, channelCapacity, offerCapacity } = problem;
  const channels = channelCapacity.length;
  const offers = offerCapacity.length;
  const channelCount = new Float64Array(channels);
  const offerCount = new Float64Array(offers);
  const channelMax = new Float64Array(channels);
  const offerMax = new Float64Array(offers);
  const channelSeen = new Int32Array(channels).fill(-1);
  const offerSeen = new Int32Array(offers).fill(-1);
  let maxRatio = 0;
  let maxSpend = 0;
  for (let i = 0; i < problem.customers; i++) {
    let customerMaxCost = 0;
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) {
      const v = value[j] as number;
      if (v <= 0) continue;
      const c = cost[j] as number;
      if (c > customerMaxCost) customerMaxCost = c;
      if (c > 0 && v / c > maxRatio) maxRatio = v / c;
      const ch = channel[j] as number;
      if (v > (channelMax[ch] as number)) channelMax[ch] = v;
      const of = offer[j] as number;
      if (v > (offerMax[of] as number)) offerMax[of] = v;
      if (channelSeen[ch] !== i) {
        channelSeen[ch] = i;
        channelCount[ch] = (channelCount[ch] as number) + 1;
      }
      if (offerSeen[of] !== i) {
        offerSeen[of] = i;
        offerCount[of] = (offerCount[of] as number) + 1;
      }
    }
    maxSpend += customerMaxCost;
  }
  // A margin above the largest ratio or value makes every reduced value strictly negative there.
  const margin = 1 + 1e-9;
  const found: BindingConstraint[] = [];
  // Uses are whole customers, so use <= 2.5 means use <= 2: the floor gives a tighter bound.
  for (let c = 0; c < channels; c++) {
    const capacity = Math.floor(channelCapacity[c] as number);
    if (capacity < (channelCount[c] as number)) {
      found.push({
        kind: CHANNEL,
        index: c,
        capacity,
        slot: 2 + c,
        upper: (channelMax[c] as number) * margin,
      });
    }
  }
  for (let o = 0; o < offers; o++) {
    const capacity = Math.floor(offerCapacity[o] as number);
    if (capacity < (offerCount[o] as number)) {
      const upper = (offerMax[o] as number) * margin;
      found.push({ kind: OFFER, index: o, capacity, slot: 2 + channels + o, upper });
    }
  }
  if (problem.budget < maxSpend) {
    found.push({
      kind: BUDGET,
      index: 0,
      capacity: problem.budget,
      slot: SPEND_SLOT,
      upper: maxRatio * margin,
    });
  }
  return found;
}

/** The multipliers of `constraints` as found in `prices`. */
export function readMultipliers(constraints: readonly BindingConstraint[], prices: Prices): Float64Array {
  return Float64Array.from(constraints, (k) => {
    if (k.kind === BUDGET) return prices.lambda;
    return (k.kind === CHANNEL ? prices.channel[k.index] : prices.offer[k.index]) as number;
  });
}

/** Writes multipliers into `prices`; constraints that cannot bind keep price 0. */
export function writeMultipliers(
  constraints: readonly BindingConstraint[],
  multipliers: Float64Array,
  prices: Prices,
): void {
  prices.lambda = 0;
  prices.channel.fill(0);
  prices.offer.fill(0);
  constraints.forEach((k, at) => {
    const y = multipliers[at] as number;
    if (k.kind === BUDGET) prices.lambda = y;
    else if (k.kind === CHANNEL) prices.channel[k.index] = y;
    else prices.offer[k.index] = y;
  });
}
