import type { AllocationProblem } from './problem';

/**
 * Prices of the relaxed constraints and the one hot loop every pass of the solver runs: each
 * customer's best option by reduced value, value - lambda*cost - channel price - offer price.
 *
 * Channel and offer prices are folded into one price per (channel, offer) pair so the inner loop
 * reads three arrays and one small table instead of four arrays and two tables.
 */

/** Multipliers: lambda for the budget, one per channel and one per offer (0 where unlimited). */
export interface Prices {
  lambda: number;
  channel: Float64Array;
  offer: Float64Array;
}

export interface Pricing {
  readonly problem: AllocationProblem;
  /** Per option: channel * offers + offer. */
  readonly pair: Int32Array;
  /** Per (channel, offer) pair: channel price + offer price. */
  readonly pairPrice: Float64Array;
  /** Per pair: its aggregate slots, so tallying a choice reads no per-option channel or offer. */
  readonly pairChannelSlot: Int32Array;
  readonly pairOfferSlot: Int32Array;
  readonly prices: Prices;
}

/**
 * Aggregates of a set of choices, all additive over customers: [0] total value, [1] spend,
 * [2, 2 + channels) customers per channel, then customers per offer.
 */
export type Aggregates = Float64Array;

export const VALUE_SLOT = 0;
export const SPEND_SLOT = 1;

export function zeroPrices(problem: AllocationProblem): Prices {
  return {
    lambda: 0,
    channel: new Float64Array(problem.channelCapacity.length),
    offer: new Float64Array(problem.offerCapacity.length),
  };
}

export function copyPrices(prices: Prices): Prices {
  return { lambda: prices.lambda, channel: prices.channel.slice(), offer: prices.offer.slice() };
}

/** Builds the pair index once per problem; prices start at `prices` (copied). */
export function createPricing(problem: AllocationProblem, prices: Prices = zeroPrices(problem)): Pricing {
  const offers = problem.offerCapacity.length;
  const pair = new Int32Array(problem.value.length);
  const { channel, offer } = problem;
  for (let j = 0; j < pair.length; j++) pair[j] = (channel[j] as number) * offers + (offer[j] as number);
  const pairs = problem.channelCapacity.length * offers;
  const pricing: Pricing = {
    problem,
    pair,
    pairPrice: new Float64Array(pairs),
    pairChannelSlot: Int32Array.from({ length: pairs }, (_, p) => 2 + Math.floor(p / offers)),
    pairOfferSlot: Int32Array.from(
      { length: pairs },
      (_, p) => 2 + problem.channelCapacity.length + (p % offers),
    ),
    prices: copyPrices(prices),
  };
  refreshPairPrices(pricing);
  return pricing;
}

/** Recomputes the pair table after `pricing.prices` changed. */
export function refreshPairPrices(pricing: Pricing): void {
  const { channel, offer } = pricing.prices;
  const offers = offer.length;
  for (let c = 0; c < channel.length; c++) {
    const mu = channel[c] as number;
    for (let o = 0; o < offers; o++) pricing.pairPrice[c * offers + o] = mu + (offer[o] as number);
  }
}

export function setPrices(pricing: Pricing, prices: Prices): void {
  pricing.prices.lambda = prices.lambda;
  pricing.prices.channel.set(prices.channel);
  pricing.prices.offer.set(prices.offer);
  refreshPairPrices(pricing);
}

export function aggregateLength(problem: AllocationProblem): number {
  return 2 + problem.channelCapacity.length + problem.offerCapacity.length;
}

/** The reduced value of option j at the current prices. */
export function reducedValue(pricing: Pricing, j: number): number {
  const { value, cost } = pricing.problem;
  return (
    (value[j] as number) -
    pricing.prices.lambda * (cost[j] as number) -
    (pricing.pairPrice[pricing.pair[j] as number] as number)
  );
}

/**
 * The option in [start, end) with the largest strictly positive reduced value, -1 if none; ties go
 * to the lower index because only a strictly larger value replaces the incumbent.
 */
export function bestOption(
  start: number,
  end: number,
  value: Float64Array,
  cost: Float64Array,
  pair: Int32Array,
  pairPrice: Float64Array,
  lambda: number,
): number {
  let best = -1;
  let bestReduced = 0;
  for (let j = start; j < end; j++) {
    const r = (value[j] as number) - lambda * (cost[j] as number) - (pairPrice[pair[j] as number] as number);
    if (r > bestReduced) {
      bestReduced = r;
      best = j;
    }
  }
  return best;
}

/** Adds option j's contribution to the aggregates, times `sign`. */
export function addOption(pricing: Pricing, j: number, agg: Aggregates, sign = 1): void {
  const { value, cost } = pricing.problem;
  agg[VALUE_SLOT] = (agg[VALUE_SLOT] as number) + sign * (value[j] as number);
  agg[SPEND_SLOT] = (agg[SPEND_SLOT] as number) + sign * (cost[j] as number);
  const p = pricing.pair[j] as number;
  const c = pricing.pairChannelSlot[p] as number;
  agg[c] = (agg[c] as number) + sign;
  const o = pricing.pairOfferSlot[p] as number;
  agg[o] = (agg[o] as number) + sign;
}

/**
 * Every customer's best option at the current prices into `choice`; aggregates into `agg`. With
 * `reference`, also lists in `changed` the customers whose choice differs from it and returns
 * how many there are (fused here because a separate comparison would be one more pass).
 */
export function evaluateAll(
  pricing: Pricing,
  choice: Int32Array,
  agg: Aggregates,
  reference?: Int32Array,
  changed?: Int32Array,
): number {
  const { problem, pair, pairPrice } = pricing;
  const { optionStart, value, cost } = problem;
  const { lambda } = pricing.prices;
  agg.fill(0);
  let count = 0;
  let start = optionStart[0] as number;
  for (let i = 0; i < problem.customers; i++) {
    const end = optionStart[i + 1] as number;
    const j = bestOption(start, end, value, cost, pair, pairPrice, lambda);
    choice[i] = j;
    if (j >= 0) addOption(pricing, j, agg);
    if (reference && changed && reference[i] !== j) changed[count++] = i;
    start = end;
  }
  return count;
}

/**
 * The best options of the listed customers only, written to `out` by list position, their
 * aggregates added onto `agg`.
 */
export function evaluateList(
  pricing: Pricing,
  list: Int32Array,
  count: number,
  out: Int32Array,
  agg: Aggregates,
): void {
  const { problem, pair, pairPrice } = pricing;
  const { optionStart, value, cost } = problem;
  const { lambda } = pricing.prices;
  for (let p = 0; p < count; p++) {
    const i = list[p] as number;
    const j = bestOption(
      optionStart[i] as number,
      optionStart[i + 1] as number,
      value,
      cost,
      pair,
      pairPrice,
      lambda,
    );
    out[p] = j;
    if (j >= 0) addOption(pricing, j, agg);
  }
}

/**
 * The Lagrangian dual function at the current prices, given the aggregates of the customers'
 * best choices: sum of best reduced values plus the prices times the capacities they relax.
 * Written as value + prices . (capacity - use), which is the same sum; prices of unlimited
 * constraints are always 0 and are skipped so Infinity never meets 0. Capacities count whole
 * customers, so they enter rounded down.
 */
export function dualValue(pricing: Pricing, agg: Aggregates): number {
  const { problem, prices } = pricing;
  let total = agg[VALUE_SLOT] as number;
  if (prices.lambda > 0) total += prices.lambda * (problem.budget - (agg[SPEND_SLOT] as number));
  const channels = problem.channelCapacity.length;
  for (let c = 0; c < channels; c++) {
    const mu = prices.channel[c] as number;
    if (mu > 0) total += mu * (Math.floor(problem.channelCapacity[c] as number) - (agg[2 + c] as number));
  }
  for (let o = 0; o < problem.offerCapacity.length; o++) {
    const nu = prices.offer[o] as number;
    if (nu > 0) {
      total += nu * (Math.floor(problem.offerCapacity[o] as number) - (agg[2 + channels + o] as number));
    }
  }
  return total;
}
