import { buildResult } from './certificate';
import { estimatePrices, minimiseDual } from './dual-search';
import { measurePlan } from './plan-use';
import { type AllocationProblem, type AllocationResult, validateProblem } from './problem';
import { sortByKey } from './sort';

const BOUND_ROUNDS = 30;
/** The bound is searched as closely as solveAllocation's default tolerance needs. */
const BOUND_PRECISION = 1e-6;

/**
 * The naive baseline a marketer would write: each customer's most valuable option, customers
 * ranked by that value, taken in order while the budget and capacities allow (a customer whose
 * best option does not fit gets nothing, not a cheaper option). Its certificate carries the same
 * Lagrangian dual bound as solveAllocation, so the two gaps compare directly.
 *
 * @throws AllocationProblemError when the problem is inconsistent (see validateProblem).
 */
export function greedyAllocation(problem: AllocationProblem): AllocationResult {
  validateProblem(problem);
  const { optionStart, value, cost, channel, offer } = problem;
  const n = problem.customers;
  const favourite = new Int32Array(n);
  const ranked = new Int32Array(n);
  const keys = new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) {
      if ((value[j] as number) > (best < 0 ? 0 : (value[best] as number))) best = j;
    }
    favourite[i] = best;
    if (best < 0) continue;
    ranked[count] = i;
    keys[count++] = -(value[best] as number);
  }
  sortByKey(ranked, keys, count);
  const plan = new Int32Array(n).fill(-1);
  const channelUse = new Float64Array(problem.channelCapacity.length);
  const offerUse = new Float64Array(problem.offerCapacity.length);
  let spend = 0;
  for (let p = 0; p < count; p++) {
    const i = ranked[p] as number;
    const j = favourite[i] as number;
    const c = channel[j] as number;
    const o = offer[j] as number;
    if (spend + (cost[j] as number) > problem.budget) continue;
    if ((channelUse[c] as number) + 1 > (problem.channelCapacity[c] as number)) continue;
    if ((offerUse[o] as number) + 1 > (problem.offerCapacity[o] as number)) continue;
    plan[i] = j;
    spend += cost[j] as number;
    channelUse[c] = (channelUse[c] as number) + 1;
    offerUse[o] = (offerUse[o] as number) + 1;
  }
  let use = measurePlan(problem, plan);
  // Summing in customer order can land a rounding hair over the budget the running sum respected.
  for (let p = count - 1; p >= 0 && use.spend > problem.budget; p--) {
    const i = ranked[p] as number;
    if ((plan[i] as number) < 0 || (cost[plan[i] as number] as number) <= 0) continue;
    plan[i] = -1;
    use = measurePlan(problem, plan);
  }
  const { dual, rounds } = minimiseDual(problem, estimatePrices(problem), BOUND_ROUNDS, BOUND_PRECISION);
  return buildResult(dual.pricing, plan, use, dual.bound, rounds);
}
