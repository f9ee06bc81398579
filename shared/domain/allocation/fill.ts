import { insertWithEviction } from './exchange';
import { copyUse, fits, openings, type PlanUse, take } from './plan-use';
import { type Pricing, reducedValue } from './pricing';
import type { AllocationProblem } from './problem';
import { sortByKey } from './sort';

/**
 * Spends what a feasible plan leaves: unserved customers get options that still fit, then served
 * customers move to a more valuable option where the slack allows.
 *
 * No one order of filling is best. By value per cost is right when the budget is what runs out,
 * by value when a capacity is, and either can strand a single large option a smaller one crowded
 * out (the knapsack greedy's classic failure). So the fill is tried in three orders (value per
 * cost, value, reduced value at the dual prices) and the most valuable result kept; candidates are
 * few once the dual prices are right, so the extra orders cost little. A stranded large option
 * then gets a chance to evict smaller picks (exchange.ts).
 */

/** A growing list of candidate options with their owners. */
class Candidates {
  option = new Int32Array(1024);
  owner = new Int32Array(1024);
  count = 0;

  push(option: number, owner: number): void {
    if (this.count === this.option.length) {
      const option = new Int32Array(this.count * 2);
      option.set(this.option);
      this.option = option;
      const owner = new Int32Array(this.count * 2);
      owner.set(this.owner);
      this.owner = owner;
    }
    this.option[this.count] = option;
    this.owner[this.count++] = owner;
  }
}

/** Options of unserved customers that fit the slack now. */
function collect(problem: AllocationProblem, plan: Int32Array, use: PlanUse): Candidates {
  const { optionStart, value, cost, channel, offer } = problem;
  const leftover = problem.budget - use.spend;
  const channelOpen = openings(use.channel, problem.channelCapacity);
  const offerOpen = openings(use.offer, problem.offerCapacity);
  const found = new Candidates();
  for (let i = 0; i < problem.customers; i++) {
    if ((plan[i] as number) >= 0) continue;
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) {
      if ((value[j] as number) <= 0 || (cost[j] as number) > leftover) continue;
      if (channelOpen[channel[j] as number] === 0 || offerOpen[offer[j] as number] === 0) continue;
      found.push(j, i);
    }
  }
  return found;
}

/**
 * Candidate positions sorted by each key in turn, most important key last: the sort is stable, so
 * earlier keys break later keys' ties, and collection order (lower option index) breaks the rest.
 */
function ordered(found: Candidates, keys: ((j: number) => number)[]): Int32Array {
  const order = Int32Array.from({ length: found.count }, (_, p) => p);
  const sortKeys = new Float64Array(found.count);
  for (const key of keys) {
    for (let p = 0; p < found.count; p++) sortKeys[p] = key(found.option[order[p] as number] as number);
    sortByKey(order, sortKeys, found.count);
  }
  return order;
}

/** Takes candidates in `order` while they fit, one per unserved customer. */
function greedyFill(
  problem: AllocationProblem,
  plan: Int32Array,
  use: PlanUse,
  found: Candidates,
  order: Int32Array,
) {
  for (let p = 0; p < found.count; p++) {
    const at = order[p] as number;
    const i = found.owner[at] as number;
    const j = found.option[at] as number;
    if ((plan[i] as number) >= 0 || !fits(problem, use, j, -1)) continue;
    plan[i] = j;
    take(problem, use, j, 1);
  }
}

/** Moves served customers to a more valuable option of theirs where the slack allows. */
function upgrade(problem: AllocationProblem, plan: Int32Array, use: PlanUse): void {
  const { optionStart, value, cost, channel, offer, budget } = problem;
  for (let pass = 0; pass < 2; pass++) {
    let changed = false;
    const channelOpen = openings(use.channel, problem.channelCapacity);
    const offerOpen = openings(use.offer, problem.offerCapacity);
    for (let i = 0; i < problem.customers; i++) {
      const current = plan[i] as number;
      if (current < 0) continue;
      const room = budget - use.spend + (cost[current] as number);
      const currentChannel = channel[current] as number;
      const currentOffer = offer[current] as number;
      let best = current;
      let bestValue = value[current] as number;
      const end = optionStart[i + 1] as number;
      for (let j = optionStart[i] as number; j < end; j++) {
        const v = value[j] as number;
        if (v <= bestValue || (cost[j] as number) > room) continue;
        const c = channel[j] as number;
        if (c !== currentChannel && channelOpen[c] === 0) continue;
        const o = offer[j] as number;
        if (o !== currentOffer && offerOpen[o] === 0) continue;
        best = j;
        bestValue = v;
      }
      if (best === current || !fits(problem, use, best, current)) continue;
      take(problem, use, current, -1);
      take(problem, use, best, 1);
      plan[i] = best;
      changed = true;
      // Only the channels and offers the customer left or joined can have opened or closed.
      for (const c of [currentChannel, channel[best] as number]) {
        channelOpen[c] = (use.channel[c] as number) + 1 <= (problem.channelCapacity[c] as number) ? 1 : 0;
      }
      for (const o of [currentOffer, offer[best] as number]) {
        offerOpen[o] = (use.offer[o] as number) + 1 <= (problem.offerCapacity[o] as number) ? 1 : 0;
      }
    }
    if (!changed) return;
  }
}

/** Fills the plan with the most valuable of three greedy orders. */
function fillBestOf(pricing: Pricing, plan: Int32Array, use: PlanUse): void {
  const { problem } = pricing;
  const { value, cost } = problem;
  const found = collect(problem, plan, use);
  if (found.count === 0) return;
  const byValue = (j: number) => -(value[j] as number);
  const byValuePerCost = (j: number) => -(value[j] as number) / (cost[j] as number);
  const byReducedValue = (j: number) => -reducedValue(pricing, j);
  let best: { plan: Int32Array; use: PlanUse } | undefined;
  for (const keys of [[byValue, byValuePerCost], [byValue], [byValue, byReducedValue]]) {
    const trial = { plan: plan.slice(), use: copyUse(use) };
    greedyFill(problem, trial.plan, trial.use, found, ordered(found, keys));
    if (!best || trial.use.value > best.use.value) best = trial;
  }
  if (best) {
    plan.set(best.plan);
    Object.assign(use, best.use);
  }
}

/**
 * Fills the feasible `plan` (whose use is `use`, both updated in place) with the best of three
 * greedy orders, tries insertions with eviction (refilling what they free), then upgrades served
 * customers. Never breaks the budget or a capacity.
 */
export function fillAndUpgrade(pricing: Pricing, plan: Int32Array, use: PlanUse): void {
  fillBestOf(pricing, plan, use);
  if (insertWithEviction(pricing.problem, plan, use)) fillBestOf(pricing, plan, use);
  upgrade(pricing.problem, plan, use);
}
