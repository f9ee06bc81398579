import { buildResult, relativeGap } from './certificate';
import { knapsackCore } from './core-knapsack';
import { searchCore } from './core-search';
import { estimatePrices, stalled } from './dual-search';
import { LagrangianDual } from './lagrangian';
import { exchangePairs } from './pair-exchange';
import type { PlanUse } from './plan-use';
import { copyPrices, type Prices, setPrices } from './pricing';
import { type AllocationProblem, type AllocationResult, type SolveOptions, validateProblem } from './problem';
import { repairPlan } from './repair';
import { smoothedPrices } from './smoothed-dual';

const DEFAULT_TOLERANCE = 1e-4;
const DEFAULT_MAX_ITERATIONS = 30;
/** Line searches that cannot lower the bound by this share of the tolerance are skipped. */
const PRECISION_SHARE = 0.01;
/**
 * Problems up to this many options get the small-problem steps: pair rounds of the dual, the
 * smoothed dual, pairwise exchanges and the core search. Each costs a few passes over the options
 * per round, level, pass or widening, which is little next to the solve up to here and a lot past
 * it; and past it, repair rounds only a small share of the customers, so the plan is already close.
 */
const SMALL_OPTIONS = 100_000;
/** Pair rounds of the dual tried once coordinate descent stalls short of the tolerance. */
const PAIR_ROUNDS = 10;
const EXCHANGE_PASSES = 50;
/** Options the core search tries at most: about 0.1-0.2 s where it cannot finish. */
const SEARCH_NODES = 1_000_000;
/**
 * The core's dynamic programme, run when the search could not finish, gives up past this many
 * partial plans after one customer or this many tried in all: up to about 3 s on the 100-500
 * customer x 24 option instances of `npm run eval:solver`, 0.03-0.3 s on average.
 */
const KNAPSACK_LIMITS = { maxStates: 200_000, maxCandidates: 8_000_000 };

/** The best feasible plan found so far, with the prices it was repaired at. */
class Incumbent {
  readonly plan: Int32Array;
  use: PlanUse | undefined;
  prices: Prices | undefined;
  private readonly scratch: Int32Array;

  constructor(customers: number) {
    this.plan = new Int32Array(customers);
    this.scratch = new Int32Array(customers);
  }

  /** Repairs `relaxed` at the dual's prices and keeps the plan if it is worth more. */
  offer(dual: LagrangianDual, relaxed: Int32Array): void {
    const use = repairPlan(dual.pricing, relaxed, this.scratch);
    if (this.use && use.value <= this.use.value) return;
    this.plan.set(this.scratch);
    this.use = use;
    this.prices = copyPrices(dual.prices);
  }

  short(bound: number, tolerance: number): boolean {
    return !this.use || relativeGap(bound, this.use.value) > tolerance;
  }
}

interface Settings {
  tolerance: number;
  maxIterations: number;
  small: boolean;
}

/**
 * Rounds of the dual search, repairing the relaxed plan into `incumbent` whenever the bound
 * settles, until the gap is within the tolerance, the bound stops falling or the rounds run out.
 * Returns the rounds run.
 */
function descend(dual: LagrangianDual, incumbent: Incumbent, settings: Settings): number {
  const { tolerance, maxIterations, small } = settings;
  let rounds = 0;
  let pairRounds = 0;
  for (;;) {
    let finished = !dual.constrained || rounds >= maxIterations;
    if (!finished) {
      const before = dual.bound;
      dual.round();
      rounds++;
      finished = dual.moves === 0 || stalled(before, dual.bound) || rounds >= maxIterations;
      const short = incumbent.short(dual.bound, tolerance);
      if (finished && small && rounds < maxIterations && pairRounds < PAIR_ROUNDS && short) {
        const beforePairs = dual.bound;
        pairRounds++;
        if (dual.pairRound() > 0 && !stalled(beforePairs, dual.bound)) finished = false;
      }
      // While the bound still falls by more than the tolerance a round, a repair cannot close the gap.
      if (!finished && before - dual.bound > 0.5 * tolerance * Math.abs(dual.bound)) continue;
    }
    incumbent.offer(dual, dual.choice);
    if (finished || !incumbent.short(dual.bound, tolerance)) return rounds;
  }
}

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
 * the dual that one price alone cannot leave); if still short, a restart from the smoothed dual's
 * prices (smoothed-dual.ts), which reach the LP relaxation's, with a plan rounded from its
 * fractional choices; then pairwise exchanges on the plan; then an exact search over the marginal
 * customers (core-search.ts), capped in work. Deterministic: same problem, same plan.
 *
 * @throws AllocationProblemError when the problem is inconsistent (see validateProblem).
 */
export function solveAllocation(problem: AllocationProblem, options: SolveOptions = {}): AllocationResult {
  validateProblem(problem);
  const settings: Settings = {
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
    maxIterations: options.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    small: problem.value.length <= SMALL_OPTIONS,
  };
  const precision = PRECISION_SHARE * settings.tolerance;
  const incumbent = new Incumbent(problem.customers);
  let dual = new LagrangianDual(problem, estimatePrices(problem), precision);
  let rounds = descend(dual, incumbent, settings);
  // A descent that spent every round (identical customers can keep the line searches busy to the
  // end) still gets the smoothed prices and their plan: rounds left or not, only the rounds are capped.
  const roundsLeft = settings.maxIterations - rounds;
  if (settings.small && dual.constrained && incumbent.short(dual.bound, settings.tolerance)) {
    const smoothed = smoothedPrices(problem);
    const restarted = new LagrangianDual(problem, smoothed.prices, precision);
    incumbent.offer(restarted, smoothed.rounded);
    rounds += descend(restarted, incumbent, { ...settings, maxIterations: roundsLeft });
    // The core search reaches as far as the dual value at the prices exceeds the plan's value:
    // the prices of the lower bound keep that smallest.
    if (restarted.bound < dual.bound) dual = restarted;
  }
  let best = incumbent.use as PlanUse;
  if (settings.small && incumbent.short(dual.bound, settings.tolerance)) {
    const exchanged = exchangePairs(dual.pricing, incumbent.plan, best, EXCHANGE_PASSES);
    let searched = exchanged;
    if (options.exactSearch ?? true) {
      const search = searchCore(dual.pricing, incumbent.plan, exchanged, SEARCH_NODES);
      // A search that could not finish leaves the core to the dynamic programme, which can.
      searched = search.stats.complete
        ? search.use
        : knapsackCore(dual.pricing, incumbent.plan, search.use, KNAPSACK_LIMITS).use;
    }
    if (searched.value > best.value) incumbent.prices = copyPrices(dual.prices);
    best = searched;
  }
  setPrices(dual.pricing, incumbent.prices ?? dual.prices);
  return buildResult(dual.pricing, incumbent.plan, best, dual.bound, rounds);
}
