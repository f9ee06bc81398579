import { fillAndUpgrade } from './fill';
import { measurePlan, type PlanUse, take } from './plan-use';
import { type Pricing, reducedValue } from './pricing';
import type { AllocationProblem } from './problem';
import { sortByKey } from './sort';

/**
 * Turns the relaxed plan (each customer's best option at the dual prices, which may overrun a
 * capacity or the budget by the customers tied at the crossing prices) into a feasible plan, then
 * spends what is left. Steps: drop the picks with the lowest reduced value from over-full channels
 * and offers, then the lowest reduced value per unit of spend until the budget holds, then fill
 * and upgrade (see fill.ts).
 */

function channelOver(problem: AllocationProblem, use: PlanUse, j: number): boolean {
  const c = problem.channel[j] as number;
  return (use.channel[c] as number) > (problem.channelCapacity[c] as number);
}

function offerOver(problem: AllocationProblem, use: PlanUse, j: number): boolean {
  const o = problem.offer[j] as number;
  return (use.offer[o] as number) > (problem.offerCapacity[o] as number);
}

/** Drops the chosen customers selected by `candidate`, lowest key first, while `stillOver` holds. */
function dropLowest(
  problem: AllocationProblem,
  plan: Int32Array,
  use: PlanUse,
  candidate: (j: number) => boolean,
  key: (j: number) => number,
  stillOver: (j: number) => boolean,
): void {
  let count = 0;
  for (let i = 0; i < problem.customers; i++) {
    const j = plan[i] as number;
    if (j >= 0 && candidate(j)) count++;
  }
  const customers = new Int32Array(count);
  const keys = new Float64Array(count);
  count = 0;
  for (let i = 0; i < problem.customers; i++) {
    const j = plan[i] as number;
    if (j >= 0 && candidate(j)) {
      customers[count] = i;
      keys[count++] = key(j);
    }
  }
  sortByKey(customers, keys, count);
  for (let p = 0; p < count; p++) {
    const i = customers[p] as number;
    const j = plan[i] as number;
    if (!stillOver(j)) continue;
    take(problem, use, j, -1);
    plan[i] = -1;
  }
}

function fixCapacities(pricing: Pricing, plan: Int32Array, use: PlanUse): void {
  const { problem } = pricing;
  const over = (j: number) => channelOver(problem, use, j) || offerOver(problem, use, j);
  let anyOver = false;
  for (let c = 0; c < use.channel.length; c++) {
    if ((use.channel[c] as number) > (problem.channelCapacity[c] as number)) anyOver = true;
  }
  for (let o = 0; o < use.offer.length; o++) {
    if ((use.offer[o] as number) > (problem.offerCapacity[o] as number)) anyOver = true;
  }
  if (anyOver) dropLowest(problem, plan, use, over, (j) => reducedValue(pricing, j), over);
}

function fixBudget(pricing: Pricing, plan: Int32Array, use: PlanUse): void {
  const { problem } = pricing;
  if (use.spend <= problem.budget) return;
  dropLowest(
    problem,
    plan,
    use,
    (j) => (problem.cost[j] as number) > 0,
    (j) => reducedValue(pricing, j) / (problem.cost[j] as number),
    () => use.spend > problem.budget,
  );
}

/**
 * Rounding can leave a running spend a hair under the budget while the sum in customer order is
 * a hair over; the plan is judged by the latter, so drop the least efficient picks until it holds.
 */
function enforceBudget(problem: AllocationProblem, plan: Int32Array): PlanUse {
  let use = measurePlan(problem, plan);
  while (use.spend > problem.budget) {
    let worst = -1;
    let worstRatio = Number.POSITIVE_INFINITY;
    for (let i = 0; i < problem.customers; i++) {
      const j = plan[i] as number;
      if (j < 0 || (problem.cost[j] as number) <= 0) continue;
      const ratio = (problem.value[j] as number) / (problem.cost[j] as number);
      if (ratio < worstRatio) {
        worstRatio = ratio;
        worst = i;
      }
    }
    if (worst < 0) break;
    plan[worst] = -1;
    use = measurePlan(problem, plan);
  }
  return use;
}

/**
 * Writes into `plan` a feasible plan built from `relaxed` (the customers' best options at the
 * prices in `pricing`): never over the budget or a capacity, never a non-positive value.
 *
 * @returns what the plan uses, summed in customer order.
 */
export function repairPlan(pricing: Pricing, relaxed: Int32Array, plan: Int32Array): PlanUse {
  const { problem } = pricing;
  plan.set(relaxed);
  for (let i = 0; i < problem.customers; i++) {
    const j = plan[i] as number;
    if (j >= 0 && (problem.value[j] as number) <= 0) plan[i] = -1;
  }
  const use = measurePlan(problem, plan);
  fixCapacities(pricing, plan, use);
  fixBudget(pricing, plan, use);
  fillAndUpgrade(pricing, plan, use);
  return enforceBudget(problem, plan);
}
