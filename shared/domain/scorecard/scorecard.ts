import type { Certificate } from '../allocation/problem';
import { type ModelEstimates, type ModelTruthMetrics, modelTruthMetrics } from './model-truth-metrics';
import { type Choice, type PlanFigures, planFigures } from './plan-figures';
import { STRATEGIES, STRATEGY_LABELS, type StrategyName, strategyPlanner } from './strategies';
import type { TrueWorld } from './true-world';

export interface EnginePlan {
  readonly runId: string;
  /** Defaults to the run's plan; set when another plan is judged in its place. */
  readonly label?: string;
  readonly choice: Choice;
  /** Targeted rows the truth cannot judge (a customer or arm it does not know): counted, not dropped silently. */
  readonly unmatched: number;
  readonly estimates?: ModelEstimates;
}

export interface StrategyRow {
  readonly name: StrategyName | 'engine';
  readonly label: string;
  readonly figures: PlanFigures;
  /** Incremental profit as a percent of the oracle's; null when the oracle earns nothing. */
  readonly percentOfOracle: number | null;
  readonly certificate?: Certificate;
}

/**
 * The oracle given what the plan truly spends. A plan built on estimates meets the budget only in
 * its own expectation: where it underestimates who redeems a discount, it spends more under the
 * truth, and the profit it buys with that extra money flatters its share of the oracle held to
 * the budget. Measured against the oracle given the same spend, the extra money buys nothing.
 */
export interface SameSpendComparison {
  /** The plan's true spend, or the budget when it spends less: the oracle is always allowed the budget. */
  readonly spend: number;
  readonly oracleProfit: number;
  /** The plan's profit as a percent of this oracle's; null when this oracle earns nothing. */
  readonly percentOfOracle: number | null;
}

export interface EngineRow extends StrategyRow {
  readonly runId: string;
  readonly unmatched: number;
  readonly atPlanSpend: SameSpendComparison;
}

export interface BudgetPoint {
  readonly budget: number;
  /** True incremental profit per strategy at this budget. */
  readonly profit: Readonly<Record<StrategyName, number>>;
}

export interface Scorecard {
  readonly customers: number;
  readonly actions: number;
  readonly budget: number;
  readonly rows: readonly StrategyRow[];
  readonly engine: EngineRow | null;
  /** Spend past which the oracle buys nothing more: every profitable action is taken. */
  readonly saturationBudget: number;
  readonly budgetCurve: readonly BudgetPoint[];
  readonly model: ModelTruthMetrics | null;
  readonly unknownArms: readonly string[];
}

const CURVE_SHARES = [0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];

function percentOf(profit: number, oracle: number): number | null {
  return oracle > 0 ? (profit / oracle) * 100 : null;
}

/**
 * Judges the engine's plan and every baseline strategy under the planted model, at the run's
 * budget and along a range of budgets, and the engine's model against the true probabilities.
 */
export function buildScorecard(world: TrueWorld, options: { seed: number; engine?: EnginePlan }): Scorecard {
  const budget = world.terms.budget;
  const plan = strategyPlanner(world, options.seed);
  const built = new Map(STRATEGIES.map((name) => [name, plan(name, budget)]));
  const oracleProfit = planFigures(world, built.get('oracle')?.choice ?? new Int32Array()).incrementalProfit;
  const rows: StrategyRow[] = STRATEGIES.map((name) => {
    const strategy = built.get(name);
    if (!strategy) throw new Error(`strategy ${name} was not built`);
    const figures = planFigures(world, strategy.choice);
    return {
      name,
      label: STRATEGY_LABELS[name],
      figures,
      percentOfOracle: percentOf(figures.incrementalProfit, oracleProfit),
      ...(strategy.certificate ? { certificate: strategy.certificate } : {}),
    };
  });

  const saturationBudget = planFigures(world, plan('oracle', Number.POSITIVE_INFINITY).choice).spend;
  const budgets = [...new Set([...CURVE_SHARES.map((s) => s * budget), saturationBudget])]
    .filter((b) => b <= Math.max(budget, saturationBudget) * 1.0001)
    .sort((a, b) => a - b);
  const budgetCurve = budgets.map((b) => ({
    budget: b,
    profit: Object.fromEntries(
      STRATEGIES.map((name) => [name, planFigures(world, plan(name, b).choice).incrementalProfit]),
    ) as Record<StrategyName, number>,
  }));

  let engine: Scorecard['engine'] = null;
  if (options.engine) {
    const figures = planFigures(world, options.engine.choice);
    // A cent of slack, as for the budget breach: sums of many small floats are not exact.
    const overspent = figures.spend > budget + 0.01;
    const spend = overspent ? figures.spend : budget;
    const oracleAtSpend = overspent
      ? planFigures(world, plan('oracle', spend).choice).incrementalProfit
      : oracleProfit;
    engine = {
      name: 'engine',
      label: options.engine.label ?? `This engine's plan (run ${options.engine.runId})`,
      figures,
      percentOfOracle: percentOf(figures.incrementalProfit, oracleProfit),
      runId: options.engine.runId,
      unmatched: options.engine.unmatched,
      atPlanSpend: {
        spend,
        oracleProfit: oracleAtSpend,
        percentOfOracle: percentOf(figures.incrementalProfit, oracleAtSpend),
      },
    };
  }
  return {
    customers: world.customerIds.length,
    actions: world.pTreated.length,
    budget,
    rows,
    engine,
    saturationBudget,
    budgetCurve,
    model: options.engine?.estimates ? modelTruthMetrics(world, options.engine.estimates) : null,
    unknownArms: world.unknownArms,
  };
}
