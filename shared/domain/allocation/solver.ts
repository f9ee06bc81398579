import { buildResult, relativeGap } from './certificate';
import { estimatePrices, stalled } from './dual-search';
import { LagrangianDual } from './lagrangian';
import type { PlanUse } from './plan-use';
import { copyPrices, setPrices } from './pricing';
import { type AllocationProblem, type AllocationResult, type SolveOptions, validateProblem } from './problem';
import { repairPlan } from './repair';

const DEFAULT_TOLERANCE = 1e-4;
const DEFAULT_MAX_ITERATIONS = 30;
/** Line searches that cannot lower the bound by this share of the tolerance are skipped. */
const PRECISION_SHARE = 0.01;

/**
 * Allocates at most one option per customer to maximise total expected incremental profit under
 * the budget and the channel and offer capacities.
 *
 * Lagrangian relaxation: the budget and capacities get prices, under which customers decide
 * independently; line searches on the prices (started from prices estimated on samples when the
 * problem is large) minimise the dual, an upper bound on any feasible plan. Once the bound settles,
 * the relaxed plan is repaired into a feasible one and the best is kept. Stops when the relative
 * gap is within `tolerance`, the bound stops falling, or after `maxIterations` rounds.
 * Deterministic: same problem, same plan.
 *
 * @throws AllocationProblemError when the problem is inconsistent (see validateProblem).
 */
export function solveAllocation(problem: AllocationProblem, options: SolveOptions = {}): AllocationResult {
  validateProblem(problem);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const dual = new LagrangianDual(problem, estimatePrices(problem), PRECISION_SHARE * tolerance);
  const plan = new Int32Array(problem.customers);
  const best = new Int32Array(problem.customers);
  let bestUse: PlanUse | undefined;
  let bestPrices = copyPrices(dual.prices);
  let rounds = 0;
  for (;;) {
    let finished = !dual.constrained || rounds >= maxIterations;
    if (!finished) {
      const before = dual.bound;
      dual.round();
      rounds++;
      finished = dual.moves === 0 || stalled(before, dual.bound) || rounds >= maxIterations;
      // While the bound still falls by more than the tolerance a round, a repair cannot close the gap.
      if (!finished && before - dual.bound > 0.5 * tolerance * Math.abs(dual.bound)) continue;
    }
    const use = repairPlan(dual.pricing, dual.choice, plan);
    if (!bestUse || use.value > bestUse.value) {
      best.set(plan);
      bestUse = use;
      bestPrices = copyPrices(dual.prices);
    }
    if (finished || relativeGap(dual.bound, bestUse.value) <= tolerance) break;
  }
  setPrices(dual.pricing, bestPrices);
  return buildResult(dual.pricing, best, bestUse, dual.bound, rounds);
}
