import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { type AllocationProblem, solveAllocation } from '../allocation';
import type { Certificate } from '../allocation/problem';
import type { Choice } from './plan-figures';
import { type TrueWorld, trueOutcome } from './true-world';

/**
 * The strategies every plan is compared with, each built under the same budget, capacities and
 * population. The baselines are handed the true signals they rank by (true propensity, true churn
 * risk and value): they show what each targeting rule is worth at its very best, which makes the
 * comparison harder for the engine, never easier.
 */

export const STRATEGIES = [
  'broadcast',
  'random',
  'rfm',
  'propensity',
  'expected_value',
  'allocator_on_truth',
  'oracle',
] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export const STRATEGY_LABELS: Record<StrategyName, string> = {
  broadcast: 'Broadcast in list order',
  random: 'Random customers and actions',
  rfm: 'RFM rules',
  propensity: 'Top-K by response probability',
  expected_value: 'Greedy churn × value × retention rate',
  allocator_on_truth: "The engine's allocator given the true probabilities",
  oracle: 'Oracle: optimal plan on the true model',
};

export interface StrategyPlan {
  readonly choice: Choice;
  /** For plans solved by the allocator: how close to optimal, proven. */
  readonly certificate?: Certificate;
}

/**
 * Tier retention rates of the expected-value rule, as retention systems set them: the share of
 * an at-risk customer's value a contact is assumed to save, higher for the best tiers.
 */
export const RETENTION_TIERS = [
  { name: 'gold', topShare: 0.2, rate: 0.3 },
  { name: 'silver', topShare: 0.5, rate: 0.2 },
  { name: 'bronze', topShare: 1, rate: 0.1 },
] as const;

const RETENTION_KIND = 'retention_incentive';
const ORACLE_TOLERANCE = 1e-7;
const ORACLE_ITERATIONS = 200;

/** Walks customers in `order`, giving each its action when it fits the budget and capacities. */
function fillInOrder(
  world: TrueWorld,
  order: ArrayLike<number>,
  actionFor: (customer: number) => number,
  budget: number,
): Choice {
  const choice = new Int32Array(world.customerIds.length).fill(-1);
  const channelLeft = new Map(world.terms.channelCapacity);
  const offerLeft = new Map(world.terms.offerCapacity);
  let left = budget;
  for (let k = 0; k < order.length; k++) {
    const customer = order[k] as number;
    const action = actionFor(customer);
    if (action < 0) continue;
    const arm = world.arms[world.actionArm[action] as number];
    if (!arm) continue;
    const spend = trueOutcome(world, customer, action).spend;
    if (spend > left) continue;
    const channelRoom = channelLeft.get(arm.channelId) ?? Number.POSITIVE_INFINITY;
    const offerRoom = offerLeft.get(arm.offerId) ?? Number.POSITIVE_INFINITY;
    if (channelRoom < 1 || offerRoom < 1) continue;
    channelLeft.set(arm.channelId, channelRoom - 1);
    offerLeft.set(arm.offerId, offerRoom - 1);
    left -= spend;
    choice[customer] = action;
  }
  return choice;
}

/** Customers sorted by a score, highest first; ties keep list order. */
function byScore(world: TrueWorld, score: (customer: number) => number): Int32Array {
  const n = world.customerIds.length;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = score(i);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  return order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

/**
 * The customer's action on `offerId` at its default level over their cheapest channel, in that
 * channel's first send window: what a rule that names only an offer sends. -1 when none.
 */
function cheapestActionOf(world: TrueWorld, customer: number, offerId: string): number {
  let best = -1;
  for (let a = world.actionStart[customer] as number; a < (world.actionStart[customer + 1] as number); a++) {
    const arm = world.arms[world.actionArm[a] as number];
    if (arm?.offerId !== offerId || !arm.defaultLevel) continue;
    const incumbent = best < 0 ? undefined : world.arms[world.actionArm[best] as number];
    if (
      !incumbent ||
      arm.contactCost < incumbent.contactCost ||
      (arm.contactCost === incumbent.contactCost && arm.window < incumbent.window)
    ) {
      best = a;
    }
  }
  return best;
}

/** The campaign's one-size-fits-all offer: the one the most customers can receive. */
function broadcastOffer(world: TrueWorld): string {
  const reach = new Map<string, Set<number>>();
  for (let i = 0; i < world.customerIds.length; i++) {
    for (let a = world.actionStart[i] as number; a < (world.actionStart[i + 1] as number); a++) {
      const offerId = world.arms[world.actionArm[a] as number]?.offerId ?? '';
      const customers = reach.get(offerId) ?? new Set<number>();
      customers.add(i);
      reach.set(offerId, customers);
    }
  }
  let best = '';
  let bestReach = -1;
  for (const arm of world.arms) {
    const r = reach.get(arm.offerId)?.size ?? 0;
    if (r > bestReach) {
      best = arm.offerId;
      bestReach = r;
    }
  }
  return best;
}

/** Quintile scores 1..5 of a column, 5 for the highest values (ties share a score). */
function quintiles(values: Float64Array): Uint8Array {
  const n = values.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const scores = new Uint8Array(n);
  let k = 0;
  while (k < n) {
    let end = k;
    while (end + 1 < n && values[order[end + 1] as number] === values[order[k] as number]) end++;
    const score = 1 + Math.min(4, Math.floor((k / n) * 5));
    for (let j = k; j <= end; j++) scores[order[j] as number] = score;
    k = end + 1;
  }
  return scores;
}

function rfmOrder(world: TrueWorld): Int32Array {
  // Recent is good: score the negated recency so that the fewest days get 5.
  const recency = quintiles(world.recencyDays.map((d) => -d));
  const frequency = quintiles(world.frequency);
  const monetary = quintiles(world.monetary);
  return byScore(
    world,
    (i) =>
      ((recency[i] as number) + (frequency[i] as number) + (monetary[i] as number)) * 1e9 +
      Math.min(world.monetary[i] as number, 1e8),
  );
}

function tierRates(world: TrueWorld): Float64Array {
  const n = world.customerIds.length;
  const order = byScore(world, (i) => world.value180[i] as number);
  const rates = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const tier = RETENTION_TIERS.find((t) => k < t.topShare * n) ?? RETENTION_TIERS[2];
    rates[order[k] as number] = tier.rate;
  }
  return rates;
}

/** The true-profit allocation problem: the options are the actions worth more than they cost. */
export function trueAllocationProblem(
  world: TrueWorld,
  budget: number,
): { problem: AllocationProblem; optionAction: Int32Array } {
  const channels = [...new Set(world.arms.map((a) => a.channelId))];
  const offers = [...new Set(world.arms.map((a) => a.offerId))];
  const channelAt = world.arms.map((a) => channels.indexOf(a.channelId));
  const offerAt = world.arms.map((a) => offers.indexOf(a.offerId));
  const n = world.customerIds.length;
  const optionStart = new Int32Array(n + 1);
  const actions: number[] = [];
  const values: number[] = [];
  const costs: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let a = world.actionStart[i] as number; a < (world.actionStart[i + 1] as number); a++) {
      const o = trueOutcome(world, i, a);
      if (o.profit <= 0) continue;
      actions.push(a);
      values.push(o.profit);
      costs.push(o.spend);
    }
    optionStart[i + 1] = actions.length;
  }
  const optionAction = Int32Array.from(actions);
  return {
    optionAction,
    problem: {
      customers: n,
      optionStart,
      value: Float64Array.from(values),
      cost: Float64Array.from(costs),
      channel: Int32Array.from(actions, (a) => channelAt[world.actionArm[a] as number] as number),
      offer: Int32Array.from(actions, (a) => offerAt[world.actionArm[a] as number] as number),
      budget,
      channelCapacity: Float64Array.from(
        channels,
        (c) => world.terms.channelCapacity.get(c) ?? Number.POSITIVE_INFINITY,
      ),
      offerCapacity: Float64Array.from(
        offers,
        (o) => world.terms.offerCapacity.get(o) ?? Number.POSITIVE_INFINITY,
      ),
    },
  };
}

function solvedOnTruth(world: TrueWorld, budget: number, exact: boolean): StrategyPlan {
  const { problem, optionAction } = trueAllocationProblem(world, budget);
  const result = solveAllocation(
    problem,
    exact ? { tolerance: ORACLE_TOLERANCE, maxIterations: ORACLE_ITERATIONS } : {},
  );
  const choice = Int32Array.from(result.choice, (option) =>
    option < 0 ? -1 : (optionAction[option] as number),
  );
  return { choice, certificate: result.certificate };
}

/**
 * Builds a strategy's plan. Ranking signals are computed once per world, so a budget curve that
 * calls this for many budgets pays for the sorting once.
 */
export function strategyPlanner(
  world: TrueWorld,
  seed: number,
): (name: StrategyName, budget: number) => StrategyPlan {
  const n = world.customerIds.length;
  let broadcast: string | undefined;
  const broadcastAction = (i: number) => {
    broadcast ??= broadcastOffer(world);
    return cheapestActionOf(world, i, broadcast);
  };
  const memo = new Map<StrategyName, { order: ArrayLike<number>; actionFor: (i: number) => number }>();
  const ranking = (name: Exclude<StrategyName, 'allocator_on_truth' | 'oracle'>) => {
    const cached = memo.get(name);
    if (cached) return cached;
    let made: { order: ArrayLike<number>; actionFor: (i: number) => number };
    if (name === 'broadcast') {
      made = { order: Int32Array.from({ length: n }, (_, k) => k), actionFor: broadcastAction };
    } else if (name === 'random') {
      const rng = xoroshiro128plus(seed);
      const order = Int32Array.from({ length: n }, (_, k) => k);
      for (let k = n - 1; k > 0; k--) {
        const j = uniformInt(rng, 0, k);
        const t = order[k] as number;
        order[k] = order[j] as number;
        order[j] = t;
      }
      const pick = Int32Array.from({ length: n }, (_, i) => {
        const from = world.actionStart[i] as number;
        const to = world.actionStart[i + 1] as number;
        return to > from ? uniformInt(rng, from, to - 1) : -1;
      });
      made = { order, actionFor: (i) => pick[i] as number };
    } else if (name === 'rfm') {
      made = { order: rfmOrder(world), actionFor: broadcastAction };
    } else if (name === 'propensity') {
      const best = Int32Array.from({ length: n }, (_, i) => {
        let top = -1;
        for (let a = world.actionStart[i] as number; a < (world.actionStart[i + 1] as number); a++) {
          if (top < 0 || (world.pTreated[a] as number) > (world.pTreated[top] as number)) top = a;
        }
        return top;
      });
      made = {
        order: byScore(world, (i) =>
          (best[i] as number) < 0 ? -1 : (world.pTreated[best[i] as number] as number),
        ),
        actionFor: (i) => best[i] as number,
      };
    } else {
      const rates = tierRates(world);
      const retentionOffer = world.arms.find((a) => a.offerKind === RETENTION_KIND)?.offerId;
      made = {
        order: byScore(
          world,
          (i) => (world.churn90[i] as number) * (world.value180[i] as number) * (rates[i] as number),
        ),
        actionFor: (i) => {
          const retention = retentionOffer === undefined ? -1 : cheapestActionOf(world, i, retentionOffer);
          return retention >= 0 ? retention : broadcastAction(i);
        },
      };
    }
    memo.set(name, made);
    return made;
  };
  return (name, budget) => {
    if (name === 'oracle') return solvedOnTruth(world, budget, true);
    if (name === 'allocator_on_truth') return solvedOnTruth(world, budget, false);
    const { order, actionFor } = ranking(name);
    return { choice: fillInOrder(world, order, actionFor, budget) };
  };
}
