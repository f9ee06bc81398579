import type { AllocationProblem } from './problem';

/** What a plan uses of the budget and capacities, and what it is worth. */
export interface PlanUse {
  value: number;
  spend: number;
  channel: Float64Array;
  offer: Float64Array;
}

/** The rounding error of `next = sum + term`, as Neumaier's compensated summation carries it. */
export function roundingOf(sum: number, term: number, next: number): number {
  return Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
}

/**
 * Measures a plan, summing in customer order so every caller gets the same figures. The sums
 * carry their rounding error (Neumaier): costs in cents that add up to a budget in cents then fit
 * it, where a plain running sum of binary fractions can land a rounding over and rule out a plan
 * that spends exactly the budget.
 */
export function measurePlan(problem: AllocationProblem, plan: Int32Array): PlanUse {
  const use: PlanUse = {
    value: 0,
    spend: 0,
    channel: new Float64Array(problem.channelCapacity.length),
    offer: new Float64Array(problem.offerCapacity.length),
  };
  let value = 0;
  let valueError = 0;
  let spend = 0;
  let spendError = 0;
  for (let i = 0; i < problem.customers; i++) {
    const j = plan[i] as number;
    if (j < 0) continue;
    const v = problem.value[j] as number;
    const nextValue = value + v;
    valueError += roundingOf(value, v, nextValue);
    value = nextValue;
    const c = problem.cost[j] as number;
    const nextSpend = spend + c;
    spendError += roundingOf(spend, c, nextSpend);
    spend = nextSpend;
    const ch = problem.channel[j] as number;
    use.channel[ch] = (use.channel[ch] as number) + 1;
    const o = problem.offer[j] as number;
    use.offer[o] = (use.offer[o] as number) + 1;
  }
  use.value = value + valueError;
  use.spend = spend + spendError;
  return use;
}

export function copyUse(use: PlanUse): PlanUse {
  return { value: use.value, spend: use.spend, channel: use.channel.slice(), offer: use.offer.slice() };
}

/** Adds option j to the use (sign 1) or removes it (sign -1). */
export function take(problem: AllocationProblem, use: PlanUse, j: number, sign: 1 | -1): void {
  use.value += sign * (problem.value[j] as number);
  use.spend += sign * (problem.cost[j] as number);
  const c = problem.channel[j] as number;
  use.channel[c] = (use.channel[c] as number) + sign;
  const o = problem.offer[j] as number;
  use.offer[o] = (use.offer[o] as number) + sign;
}

/** Whether option j fits the plan's slack, after releasing `released` (an option or -1). */
export function fits(problem: AllocationProblem, use: PlanUse, j: number, released: number): boolean {
  const releasedCost = released >= 0 ? (problem.cost[released] as number) : 0;
  if (use.spend - releasedCost + (problem.cost[j] as number) > problem.budget) return false;
  const c = problem.channel[j] as number;
  if (
    (released < 0 || problem.channel[released] !== c) &&
    (use.channel[c] as number) + 1 > (problem.channelCapacity[c] as number)
  ) {
    return false;
  }
  const o = problem.offer[j] as number;
  return (
    (released >= 0 && problem.offer[released] === o) ||
    (use.offer[o] as number) + 1 <= (problem.offerCapacity[o] as number)
  );
}

/** Per channel or offer: 1 while it has room for one more customer. */
export function openings(use: Float64Array, capacity: Float64Array): Uint8Array {
  return Uint8Array.from(use, (used, k) => (used + 1 <= (capacity[k] as number) ? 1 : 0));
}
