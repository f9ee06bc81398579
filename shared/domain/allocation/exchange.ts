import { fits, type PlanUse, take } from './plan-use';
import type { AllocationProblem } from './problem';
import { smallestByKey } from './sort';

/**
 * Insertion with eviction: an unserved customer's valuable option that no longer fits may be worth
 * more than the cheapest picks standing in its way. Greedy fills strand such options (the classic
 * knapsack failure: many efficient small picks crowd out one large one); this move tries the most
 * valuable stranded options, evicting the least valuable picks (per unit of spend, or outright,
 * whichever loses less) that use the scarce resource, and keeps an exchange only when it gains.
 */

/** Stranded options tried per call. */
const TRIES = 16;
/**
 * Served customers a try looks at, per eviction order. The least valuable come first, so a useful
 * eviction is near the front; an unbounded walk would cost a pass over the plan per try on large
 * plans, where one exchange is worth a negligible share of the total anyway.
 */
const WALK = 2048;

/**
 * Each unserved customer's most valuable positive option that could fit an empty plan, best
 * first, at most `limit` of them.
 */
function stranded(problem: AllocationProblem, plan: Int32Array, limit: number): Int32Array {
  const { optionStart, value, cost, channel, offer, channelCapacity, offerCapacity } = problem;
  const possible = (j: number) =>
    (cost[j] as number) <= problem.budget &&
    (channelCapacity[channel[j] as number] as number) >= 1 &&
    (offerCapacity[offer[j] as number] as number) >= 1;
  let count = 0;
  const options = new Int32Array(problem.customers);
  const keys = new Float64Array(problem.customers);
  for (let i = 0; i < problem.customers; i++) {
    if ((plan[i] as number) >= 0) continue;
    let best = -1;
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) {
      if ((value[j] as number) > (best < 0 ? 0 : (value[best] as number)) && possible(j)) best = j;
    }
    if (best < 0) continue;
    options[count] = best;
    keys[count++] = -(value[best] as number);
  }
  return options.slice(0, smallestByKey(options, keys, count, limit));
}

/**
 * The first WALK served customers in eviction order, least valuable first: by value per unit of
 * spend (zero-cost picks last) when the budget is what is short, by value when a capacity is.
 */
function evictionOrder(problem: AllocationProblem, plan: Int32Array, perCost: boolean): Int32Array {
  const served = new Int32Array(problem.customers);
  const keys = new Float64Array(problem.customers);
  let count = 0;
  for (let i = 0; i < problem.customers; i++) {
    const j = plan[i] as number;
    if (j < 0) continue;
    const v = problem.value[j] as number;
    const c = problem.cost[j] as number;
    served[count] = i;
    keys[count++] = !perCost ? v : c > 0 ? v / c : Number.POSITIVE_INFINITY;
  }
  return served.subarray(0, smallestByKey(served, keys, count, WALK));
}

/** The customer owning option j (binary search on optionStart). */
function ownerOf(problem: AllocationProblem, j: number): number {
  let low = 0;
  let high = problem.customers - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if ((problem.optionStart[mid] as number) <= j) low = mid;
    else high = mid - 1;
  }
  return low;
}

interface Eviction {
  customers: number[];
  lost: number;
}

/**
 * The customers to evict, walking `order`, so that option j of customer i fits: only picks that
 * use a short resource, skipping any that would cost as much as j is worth. Undefined if none.
 */
function planEviction(
  problem: AllocationProblem,
  plan: Int32Array,
  use: PlanUse,
  order: Int32Array,
  i: number,
  j: number,
): Eviction | undefined {
  const { cost, channel, offer, value } = problem;
  const c = channel[j] as number;
  const o = offer[j] as number;
  let shortBudget = use.spend + (cost[j] as number) - problem.budget;
  let shortChannel = (use.channel[c] as number) + 1 - (problem.channelCapacity[c] as number);
  let shortOffer = (use.offer[o] as number) + 1 - (problem.offerCapacity[o] as number);
  const eviction: Eviction = { customers: [], lost: 0 };
  for (let p = 0; p < order.length && (shortBudget > 0 || shortChannel > 0 || shortOffer > 0); p++) {
    const k = order[p] as number;
    const jk = plan[k] as number;
    if (jk < 0 || k === i) continue;
    const helps =
      (shortBudget > 0 && (cost[jk] as number) > 0) ||
      (shortChannel > 0 && channel[jk] === c) ||
      (shortOffer > 0 && offer[jk] === o);
    if (!helps || eviction.lost + (value[jk] as number) >= (value[j] as number)) continue;
    eviction.customers.push(k);
    eviction.lost += value[jk] as number;
    shortBudget -= cost[jk] as number;
    if (channel[jk] === c) shortChannel--;
    if (offer[jk] === o) shortOffer--;
  }
  return shortBudget > 0 || shortChannel > 0 || shortOffer > 0 ? undefined : eviction;
}

/** Inserts option j by the cheaper of the evictions `orders` suggest, if one fits and gains value. */
function tryInsert(
  problem: AllocationProblem,
  plan: Int32Array,
  use: PlanUse,
  orders: Int32Array[],
  j: number,
): boolean {
  const i = ownerOf(problem, j);
  let best: Eviction | undefined;
  for (const order of orders) {
    const eviction = planEviction(problem, plan, use, order, i, j);
    if (eviction && (!best || eviction.lost < best.lost)) best = eviction;
  }
  if (!best) return false;
  for (const k of best.customers) take(problem, use, plan[k] as number, -1);
  // Running sums can disagree with the walk's arithmetic by a rounding hair: check for real.
  if (!fits(problem, use, j, -1)) {
    for (const k of best.customers) take(problem, use, plan[k] as number, 1);
    return false;
  }
  for (const k of best.customers) plan[k] = -1;
  plan[i] = j;
  take(problem, use, j, 1);
  return true;
}

/**
 * Applies profitable insertions with eviction to the feasible `plan` (and its `use`), keeping it
 * feasible. Returns whether anything changed, so the caller can refill what evictions freed.
 */
export function insertWithEviction(problem: AllocationProblem, plan: Int32Array, use: PlanUse): boolean {
  const tries = stranded(problem, plan, TRIES);
  if (tries.length === 0) return false;
  const orders = [evictionOrder(problem, plan, true), evictionOrder(problem, plan, false)];
  let changed = false;
  for (const j of tries) {
    if (tryInsert(problem, plan, use, orders, j)) changed = true;
  }
  return changed;
}
