import { type AllocationProblem, validateProblem } from '../allocation/index';
import { sortByKey } from '../allocation/sort';
import { RETENTION_TIERS, STRATEGY_LABELS } from '../scorecard/strategies';

/**
 * What the run's plan is worth next to the rules a marketer would otherwise use, all judged on the
 * run's own estimates (the scorecard judges them on a known true world instead). Every baseline
 * fills customers in its own order under the same budget and channel and offer capacities as the
 * plan, so the figures differ only in who gets what.
 */

export const RUN_STRATEGIES = ['broadcast', 'propensity', 'expected_value', 'plan'] as const;
export type RunStrategy = (typeof RUN_STRATEGIES)[number];

export const RUN_STRATEGY_LABELS: Record<RunStrategy, string> = {
  broadcast: STRATEGY_LABELS.broadcast,
  propensity: STRATEGY_LABELS.propensity,
  expected_value: STRATEGY_LABELS.expected_value,
  plan: 'This plan',
};

export interface RunStrategyInputs {
  /** Every eligible option of every customer, negative-value ones included. */
  problem: AllocationProblem;
  /** Per option: estimated P(response | that action). */
  propensity: Float64Array;
  /** Per option: estimated P(response | action) - P(response | control). */
  incrementalConversions: Float64Array;
  /** Per customer: estimated churn risk x value, what the expected-value rule ranks by. */
  retentionValue: Float64Array;
  /** The offer broadcast sends; each customer gets that offer's cheapest option. */
  broadcastOffer: number;
  /** The run's chosen option per customer (-1 none). */
  plan: Int32Array;
}

export interface RunStrategyFigures {
  strategy: RunStrategy;
  label: string;
  customers: number;
  spend: number;
  expectedIncrementalConversions: number;
  expectedIncrementalProfit: number;
  /** Profit / spend; null when nothing is spent. */
  roi: number | null;
}

function check(inputs: RunStrategyInputs): void {
  const { problem } = inputs;
  validateProblem(problem);
  const options = problem.value.length;
  const lengths: [string, number, number][] = [
    ['propensity', inputs.propensity.length, options],
    ['incrementalConversions', inputs.incrementalConversions.length, options],
    ['retentionValue', inputs.retentionValue.length, problem.customers],
    ['plan', inputs.plan.length, problem.customers],
  ];
  for (const [name, actual, expected] of lengths) {
    if (actual !== expected) throw new RangeError(`${name} has length ${actual}; expected ${expected}`);
  }
  for (let i = 0; i < problem.customers; i++) {
    const j = inputs.plan[i] as number;
    if (j !== -1 && (j < (problem.optionStart[i] as number) || j >= (problem.optionStart[i + 1] as number))) {
      throw new RangeError(`plan[${i}] is ${j}; it must be -1 or one of customer ${i}'s options`);
    }
  }
  const offers = problem.offerCapacity.length;
  if (
    !Number.isInteger(inputs.broadcastOffer) ||
    inputs.broadcastOffer < 0 ||
    inputs.broadcastOffer >= offers
  ) {
    throw new RangeError(
      `broadcastOffer is ${inputs.broadcastOffer}; it must be an offer index in [0, ${offers})`,
    );
  }
}

/** Customers by score, highest first; ties (and NaN scores, last) keep list order. */
function byScore(n: number, score: (i: number) => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const keys = Float64Array.from({ length: n }, (_, i) => {
    const s = score(i);
    return Number.isNaN(s) ? Number.POSITIVE_INFINITY : -s;
  });
  sortByKey(order, keys, n);
  return order;
}

/** Per customer, the eligible option `better` prefers to every other (ties to the lower index); -1 if none. */
function pickPerCustomer(
  problem: AllocationProblem,
  eligible: (j: number) => boolean,
  better: (j: number, incumbent: number) => boolean,
): Int32Array {
  return Int32Array.from({ length: problem.customers }, (_, i) => {
    let best = -1;
    for (let j = problem.optionStart[i] as number; j < (problem.optionStart[i + 1] as number); j++) {
      if (eligible(j) && (best < 0 || better(j, best))) best = j;
    }
    return best;
  });
}

/**
 * Walks customers in `order`, giving each their option when it fits what is left of the budget and
 * capacities and skipping them when it does not; once nothing fits, every later customer is skipped.
 */
function fillInOrder(problem: AllocationProblem, order: Int32Array, action: Int32Array): Int32Array {
  const choice = new Int32Array(problem.customers).fill(-1);
  const channelLeft = problem.channelCapacity.slice();
  const offerLeft = problem.offerCapacity.slice();
  let left = problem.budget;
  for (const i of order) {
    const j = action[i] as number;
    if (j < 0) continue;
    const c = problem.channel[j] as number;
    const o = problem.offer[j] as number;
    const cost = problem.cost[j] as number;
    if (cost > left || (channelLeft[c] as number) < 1 || (offerLeft[o] as number) < 1) continue;
    channelLeft[c] = (channelLeft[c] as number) - 1;
    offerLeft[o] = (offerLeft[o] as number) - 1;
    left -= cost;
    choice[i] = j;
  }
  return choice;
}

/** Tier retention rate per customer, tiers cut by their rank in `retentionValue`, highest first. */
function tierRates(retentionValue: Float64Array): Float64Array {
  const n = retentionValue.length;
  const order = byScore(n, (i) => retentionValue[i] as number);
  const rates = new Float64Array(n);
  order.forEach((i, rank) => {
    const tier = RETENTION_TIERS.find((t) => rank < t.topShare * n) ?? RETENTION_TIERS[2];
    rates[i] = tier.rate;
  });
  return rates;
}

function figures(strategy: RunStrategy, inputs: RunStrategyInputs, choice: Int32Array): RunStrategyFigures {
  const { problem, incrementalConversions } = inputs;
  let customers = 0;
  let spend = 0;
  let conversions = 0;
  let profit = 0;
  for (const j of choice) {
    if (j < 0) continue;
    customers++;
    spend += problem.cost[j] as number;
    conversions += incrementalConversions[j] as number;
    profit += problem.value[j] as number;
  }
  return {
    strategy,
    label: RUN_STRATEGY_LABELS[strategy],
    customers,
    spend,
    expectedIncrementalConversions: conversions,
    expectedIncrementalProfit: profit,
    roi: spend > 0 ? profit / spend : null,
  };
}

/**
 * The run's expected figures for each strategy in RUN_STRATEGIES order, on the run's estimates:
 * - broadcast: customers in list order, each the broadcast offer's cheapest option;
 * - propensity: customers by their highest estimated response probability, that option;
 * - expected_value: customers by retention value x tier retention rate (RETENTION_TIERS cut on the
 *   retention-value ranking), each their cheapest option. The scorecard's rule sends a
 *   retention-kind offer's cheapest action, but the run's arrays do not say which offers are of
 *   that kind, so this takes the cheapest option of any offer, the likeliest to respond among
 *   equally cheap ones;
 * - plan: the run's own plan, as given.
 * Baselines take an option whatever its estimated value, negative included: they do not know it.
 *
 * @throws RangeError when an array's length does not match the problem or the offer is unknown;
 *   AllocationProblemError when the problem is inconsistent.
 */
export function compareRunStrategies(inputs: RunStrategyInputs): RunStrategyFigures[] {
  check(inputs);
  const { problem, propensity, retentionValue, broadcastOffer } = inputs;
  const n = problem.customers;
  const { cost } = problem;
  const every = () => true;
  const broadcast = pickPerCustomer(
    problem,
    (j) => problem.offer[j] === broadcastOffer,
    (j, best) => (cost[j] as number) < (cost[best] as number),
  );
  const likeliest = pickPerCustomer(
    problem,
    every,
    (j, best) => (propensity[j] as number) > (propensity[best] as number),
  );
  const cheapest = pickPerCustomer(
    problem,
    every,
    (j, best) =>
      (cost[j] as number) < (cost[best] as number) ||
      (cost[j] === cost[best] && (propensity[j] as number) > (propensity[best] as number)),
  );
  const rates = tierRates(retentionValue);
  const chosen: Record<RunStrategy, Int32Array> = {
    broadcast: fillInOrder(
      problem,
      Int32Array.from({ length: n }, (_, i) => i),
      broadcast,
    ),
    propensity: fillInOrder(
      problem,
      byScore(n, (i) =>
        (likeliest[i] as number) < 0 ? Number.NaN : (propensity[likeliest[i] as number] as number),
      ),
      likeliest,
    ),
    expected_value: fillInOrder(
      problem,
      byScore(n, (i) => (retentionValue[i] as number) * (rates[i] as number)),
      cheapest,
    ),
    plan: inputs.plan,
  };
  return RUN_STRATEGIES.map((strategy) => figures(strategy, inputs, chosen[strategy]));
}
