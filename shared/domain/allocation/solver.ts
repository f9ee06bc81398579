import { buildResult, relativeGap } from './certificate';
import { searchCore } from './core-search';
import { estimatePrices, stalled } from './dual-search';
import { LagrangianDual } from './lagrangian';
import { exchangePairs } from './pair-exchange';
import type { PlanUse } from './plan-use';
import { copyPrices, setPrices } from './pricing';
import { type AllocationProblem, type AllocationResult, type SolveOptions, validateProblem } from './problem';
import { repairPlan } from './repair';

const DEFAULT_TOLERANCE = 1e-4;
const DEFAULT_MAX_ITERATIONS = 30;
/** Line searches that cannot lower the bound by this share of the tolerance are skipped. */
const PRECISION_SHARE = 0.01;
/**
 * Problems up to this many options get the small-problem steps: pair rounds of the dual, pairwise
 * exchanges and the core search. Each costs a few passes over the options per round, pass or
 * widening, which is little next to the solve up to here and a lot past it; and past it, repair
 * rounds only a small share of the customers, so the plan is already close.
 */
const SMALL_OPTIONS = 100_000;
/** Pair rounds of the dual tried once coordinate descent stalls short of the tolerance. */
const PAIR_ROUNDS = 10;
const EXCHANGE_PASSES = 50;
/** Options the core search tries at most: a few hundred milliseconds on a 100,000-option problem. */
const SEARCH_NODES = 300_000;

/**
 * Allocates at most one option per customer to maximise total expected incremental profit under
 * the budget and the channel and offer capacities.
 *
 * Lagrangian relaxation: the budget and capacities get prices, under which customers decide
 * independently; line searches on the prices (started from prices estimated on samples when the
 * problem is large) minimise the dual, an upper bound on any feasible plan. Once the bound settles,
 * the relaxed plan is repaired into a feasible one and the best is kept. Stops when the relative
 * gap is within `tolerance`, the bound stops falling, or after `maxIterations` rounds.
 *
 * What repair leaves is a fraction of one customer's value: negligible on large problems, up to a
 * percent or so on small ones. So a small problem still short of the tolerance gets more: when
 * the bound stalls, line searches moving two prices together (identical customers put kinks in
 * the dual that one price alone cannot leave); then pairwise exchanges on the plan; then an
 * exact search over the marginal customers (core-search.ts), capped in work. Deterministic: same
 * problem, same plan.
 *
 * @throws AllocationProblemError when the problem is inconsistent (see validateProblem).
 */
export function solveAllocation(problem: AllocationProblem, options: SolveOptions = {}): AllocationResult {
  validateProblem(problem);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const small = problem.value.length <= SMALL_OPTIONS;
  const dual = new LagrangianDual(problem, estimatePrices(problem), PRECISION_SHARE * tolerance);
  const plan = new Int32Array(problem.customers);
  const best = new Int32Array(problem.customers);
  let bestUse: PlanUse | undefined;
  let bestPrices = copyPrices(dual.prices);
  let rounds = 0;
  let pairRounds = 0;
  const short = () => !bestUse || relativeGap(dual.bound, bestUse.value) > tolerance;
  for (;;) {
    let finished = !dual.constrained || rounds >= maxIterations;
    if (!finished) {
      const before = dual.bound;
      dual.round();
      rounds++;
      finished = dual.moves === 0 || stalled(before, dual.bound) || rounds >= maxIterations;
      if (finished && small && rounds < maxIterations && pairRounds < PAIR_ROUNDS && short()) {
        const beforePairs = dual.bound;
        pairRounds++;
        if (dual.pairRound() > 0 && !stalled(beforePairs, dual.bound)) finished = false;
      }
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
  if (small && short()) {
    // The core search reaches as far as the dual value at the prices exceeds the plan's value:
    // the last prices, where the dual search ended, keep that smallest.
    const exchanged = exchangePairs(dual.pricing, best, bestUse, EXCHANGE_PASSES);
    const searched = searchCore(dual.pricing, best, exchanged, SEARCH_NODES);
    if (searched.use.value > bestUse.value) {
      bestUse = searched.use;
      bestPrices = copyPrices(dual.prices);
    }
  }
  setPrices(dual.pricing, bestPrices);
  return buildResult(dual.pricing, best, bestUse, dual.bound, rounds);
}
