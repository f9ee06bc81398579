import { describe, expect, it } from 'vitest';
import { planFigures } from '#shared/domain/scorecard/plan-figures';
import { buildScorecard } from '#shared/domain/scorecard/scorecard';
import { STRATEGIES, strategyPlanner } from '#shared/domain/scorecard/strategies';
import {
  actionOf,
  buildTrueWorld,
  plannedActionOf,
  type TrueWorld,
  trueOutcome,
} from '#shared/domain/scorecard/true-world';
import type { TruthRecord } from '#shared/domain/scorecard/truth-file';
import { arm, randomWorld, terms } from './world-fixture';

const record = (id: string, pControl: number, value: number, arms: Record<string, number>): TruthRecord => ({
  customer_id: id,
  kind: 'persuadable',
  p_control: pControl,
  value_of_response: value,
  arms,
  recency_days: 10,
  frequency_365: 4,
  monetary_365: 200,
  churn_90d: 0.2,
  value_180d: 100,
});

/** The best plan by trying every combination: (actions + 1)^customers plans, for tiny worlds only. */
function bruteForceOptimum(world: TrueWorld): number {
  const n = world.customerIds.length;
  const choice = new Int32Array(n).fill(-1);
  let best = 0;
  const visit = (i: number): void => {
    if (i === n) {
      const f = planFigures(world, choice);
      if (f.breaches.length === 0 && f.spend <= world.terms.budget)
        best = Math.max(best, f.incrementalProfit);
      return;
    }
    for (let a = (world.actionStart[i] as number) - 1; a < (world.actionStart[i + 1] as number); a++) {
      choice[i] = a < (world.actionStart[i] as number) ? -1 : a;
      visit(i + 1);
    }
    choice[i] = -1;
  };
  visit(0);
  return best;
}

describe('trueOutcome', () => {
  it('values an action by the planted uplift, paying the discount to every redeemer and the contact', () => {
    const world = buildTrueWorld([record('A', 0.1, 50, { 'pct10|email|10|09:00': 0.3 })], terms(100));
    const o = trueOutcome(world, 0, actionOf(world, 0, 'pct10|email|10|09:00'));
    // uplift 0.2 × 50 × margin 0.35 = 3.5; discount 0.3 × 10% × 50 = 1.5; contact 0.02.
    expect(o.incrementalConversions).toBeCloseTo(0.2, 12);
    expect(o.incrementalRevenue).toBeCloseTo(10, 12);
    expect(o.profit).toBeCloseTo(3.5 - 1.5 - 0.02, 12);
    expect(o.spend).toBeCloseTo(1.52, 12);
  });

  it('leaves out arms the campaign does not offer, and names them', () => {
    const world = buildTrueWorld(
      [record('A', 0.1, 50, { 'pct10|email|10|09:00': 0.3, 'gone|email|5|09:00': 0.9 })],
      terms(100),
    );
    expect(world.pTreated.length).toBe(1);
    expect(world.unknownArms).toEqual(['gone|email|5|09:00']);
  });
});

describe('plannedActionOf', () => {
  it("sends a plan's offer at the level it names, else the default, in the channel's first window", () => {
    const at = (level: number, window: string, defaultLevel: boolean) => ({
      ...arm('pct', 'email', 'percent_off', level, 0.02),
      key: `pct|email|${level}|${window}`,
      defaultLevel,
      window,
    });
    const arms = [
      at(10, '18:00', true),
      at(10, '09:00', true),
      at(15, '09:00', false),
      at(15, '12:00', false),
    ];
    const world = buildTrueWorld(
      [record('A', 0.1, 50, Object.fromEntries(arms.map((a, k) => [a.key, 0.2 + k / 100])))],
      terms(100, {}, arms),
    );
    const keyOf = (action: number) => world.arms[world.actionArm[action] ?? -1]?.key;
    expect(keyOf(plannedActionOf(world, 0, { offerId: 'pct', channelId: 'email' }))).toBe(
      'pct|email|10|09:00',
    );
    expect(keyOf(plannedActionOf(world, 0, { offerId: 'pct', channelId: 'email', discountPct: 15 }))).toBe(
      'pct|email|15|09:00',
    );
    expect(plannedActionOf(world, 0, { offerId: 'pct', channelId: 'sms' })).toBe(-1);
    expect(plannedActionOf(world, 0, { offerId: 'pct', channelId: 'email', discountPct: 20 })).toBe(-1);
  });
});

describe('planFigures', () => {
  it('names every limit a plan breaks under the true spend', () => {
    const world = buildTrueWorld(
      [
        record('A', 0.1, 50, { 'pct10|email|10|09:00': 0.3 }),
        record('B', 0.1, 50, { 'pct10|email|10|09:00': 0.3 }),
      ],
      terms(2, { channelCapacity: new Map([['email', 1]]) }),
    );
    const f = planFigures(world, Int32Array.from([0, 1]));
    expect(f.contacted).toBe(2);
    expect(f.breaches).toEqual(['spends 3.04 against a budget of 2.00', '2 contacts on email, capacity 1']);
  });
});

describe('strategies', () => {
  it('keep every strategy within the budget and the capacities', () => {
    const world = randomWorld(3000, 7, 400, {
      channelCapacity: new Map([['sms', 150]]),
      offerCapacity: new Map([['winback', 200]]),
    });
    const plan = strategyPlanner(world, 1);
    for (const name of STRATEGIES) {
      const f = planFigures(world, plan(name, world.terms.budget).choice);
      expect(f.breaches, name).toEqual([]);
      expect(f.contacted, name).toBeGreaterThan(0);
    }
  });

  it('the oracle scores at least as well as every strategy, and never above its own dual bound', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const budget of [20, 150, 1000, 1e6]) {
        const world = randomWorld(2000, seed, budget, { channelCapacity: new Map([['email', 600]]) });
        const plan = strategyPlanner(world, seed);
        const oracle = plan('oracle', budget);
        const oracleProfit = planFigures(world, oracle.choice).incrementalProfit;
        for (const name of STRATEGIES) {
          const profit = planFigures(world, plan(name, budget).choice).incrementalProfit;
          expect(profit, `${name} seed ${seed} budget ${budget}`).toBeLessThanOrEqual(oracleProfit + 1e-9);
          expect(profit).toBeLessThanOrEqual((oracle.certificate?.dualBound ?? 0) + 1e-9);
        }
      }
    }
  });

  it('a plan built by the allocator from the true probabilities reaches 99.9% of the oracle', () => {
    for (const seed of [11, 12, 13]) {
      for (const budget of [50, 500, 5000]) {
        const world = randomWorld(5000, seed, budget, { channelCapacity: new Map([['sms', 300]]) });
        const plan = strategyPlanner(world, seed);
        const oracle = planFigures(world, plan('oracle', budget).choice).incrementalProfit;
        const truthPlan = planFigures(world, plan('allocator_on_truth', budget).choice).incrementalProfit;
        expect(oracle).toBeGreaterThan(0);
        expect(truthPlan / oracle, `seed ${seed} budget ${budget}`).toBeGreaterThanOrEqual(0.999);
      }
    }
  });

  it('the oracle finds the exact optimum on tiny worlds', () => {
    let exact = 0;
    for (let seed = 100; seed < 160; seed++) {
      const world = randomWorld(5, seed, 2 + (seed % 5));
      const optimum = bruteForceOptimum(world);
      const oracle = strategyPlanner(world, seed)('oracle', world.terms.budget);
      const profit = planFigures(world, oracle.choice).incrementalProfit;
      // The certificate brackets the optimum: the plan is below it, the dual bound above.
      expect(profit).toBeLessThanOrEqual(optimum + 1e-9);
      expect(oracle.certificate?.dualBound ?? 0).toBeGreaterThanOrEqual(optimum - 1e-9);
      if (profit >= optimum - 1e-9) exact += 1;
    }
    expect(exact).toBeGreaterThanOrEqual(55);
  });

  it('targets by each rule: propensity takes the likeliest buyers, RFM the best customers, expected value the retention offer', () => {
    const base = (id: string, over: Partial<TruthRecord>): TruthRecord => ({
      ...record(id, 0.05, 40, {
        'pct10|email|10|09:00': 0.1,
        'winback|email|15|09:00': 0.08,
        'info|push|0|09:00': 0.06,
      }),
      ...over,
    });
    const records = [
      base('low', { recency_days: 300, frequency_365: 1, monetary_365: 20, churn_90d: 0.9, value_180d: 10 }),
      base('likely', { arms: { 'pct10|email|10|09:00': 0.9, 'winback|email|15|09:00': 0.1 } }),
      base('best', {
        recency_days: 1,
        frequency_365: 50,
        monetary_365: 5000,
        churn_90d: 0.1,
        value_180d: 900,
      }),
      base('at-risk', { recency_days: 100, churn_90d: 0.8, value_180d: 800 }),
    ];
    // Room for exactly one contact: one e-mail, no push.
    const world = buildTrueWorld(
      records,
      terms(1000, {
        channelCapacity: new Map([
          ['email', 1],
          ['push', 0],
        ]),
      }),
    );
    const plan = strategyPlanner(world, 1);
    const chosen = (name: (typeof STRATEGIES)[number]) => {
      const choice = plan(name, 1000).choice;
      const i = choice.findIndex((a) => a >= 0);
      return `${world.customerIds[i]}:${world.arms[world.actionArm[choice[i] ?? 0] ?? 0]?.key}`;
    };
    expect(chosen('propensity')).toBe('likely:pct10|email|10|09:00');
    expect(chosen('rfm')).toBe('best:pct10|email|10|09:00');
    expect(chosen('expected_value')).toBe('at-risk:winback|email|15|09:00');
    expect(chosen('broadcast')).toBe('low:pct10|email|10|09:00');
  });
});

describe('buildScorecard', () => {
  it('puts every strategy and the engine against the oracle, and draws profit against budget', () => {
    const world = randomWorld(3000, 21, 300);
    const oracle = strategyPlanner(world, 3)('oracle', 300);
    const card = buildScorecard(world, {
      seed: 3,
      engine: { runId: 'r1', choice: oracle.choice, unmatched: 2 },
    });
    const row = (name: string) => card.rows.find((r) => r.name === name);
    expect(row('oracle')?.percentOfOracle).toBeCloseTo(100, 9);
    expect(card.engine?.percentOfOracle).toBeCloseTo(100, 9);
    expect(card.engine?.unmatched).toBe(2);
    for (const r of card.rows) expect(r.percentOfOracle ?? 0).toBeLessThanOrEqual(100 + 1e-9);
    expect(row('random')?.percentOfOracle ?? 100).toBeLessThan(60);
    // The curve starts at nothing, rises with the budget, and stops where money buys nothing.
    const oracleCurve = card.budgetCurve.map((p) => p.profit.oracle);
    expect(oracleCurve[0]).toBe(0);
    for (let k = 1; k < oracleCurve.length; k++) {
      expect(oracleCurve[k] ?? 0).toBeGreaterThanOrEqual((oracleCurve[k - 1] ?? 0) - 1e-6);
    }
    expect(card.budgetCurve.at(-1)?.budget).toBeCloseTo(card.saturationBudget, 6);
    expect(card.model).toBeNull();
    // Within the budget, the oracle at the plan's spend is the oracle at the budget.
    expect(card.engine?.atPlanSpend).toMatchObject({ spend: 300 });
    expect(card.engine?.atPlanSpend.percentOfOracle).toBeCloseTo(100, 9);
  });

  it('judges a plan that overspends under the truth against the oracle given the same spend', () => {
    const world = randomWorld(3000, 21, 300);
    const plan = strategyPlanner(world, 3);
    // The oracle's plan for twice the budget: more profit than the oracle held to the budget can buy.
    const lavish = plan('oracle', 600).choice;
    const spent = planFigures(world, lavish).spend;
    expect(spent).toBeGreaterThan(300);
    const card = buildScorecard(world, { seed: 3, engine: { runId: 'r1', choice: lavish, unmatched: 0 } });
    expect(card.engine?.percentOfOracle ?? 0).toBeGreaterThan(100);
    expect(card.engine?.figures.breaches[0]).toMatch(/against a budget of 300/);
    expect(card.engine?.atPlanSpend.spend).toBeCloseTo(spent, 9);
    expect(card.engine?.atPlanSpend.oracleProfit).toBeCloseTo(
      planFigures(world, plan('oracle', spent).choice).incrementalProfit,
      9,
    );
    // Given what it spent, the oracle does as well as the plan, to within its certified gap (0.01%).
    expect(card.engine?.atPlanSpend.percentOfOracle ?? 200).toBeLessThanOrEqual(100.01);
    expect(card.engine?.atPlanSpend.percentOfOracle ?? 0).toBeGreaterThan(99);
  });
});
