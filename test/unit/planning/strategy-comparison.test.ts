import { describe, expect, it } from 'vitest';
import { type AllocationProblem, solveAllocation } from '#shared/domain/allocation/index';
import {
  compareRunStrategies,
  RUN_STRATEGIES,
  type RunStrategyFigures,
  type RunStrategyInputs,
} from '#shared/domain/planning/strategy-comparison';
import { makeProblem, mulberry32, randomProblem } from '../allocation/fixtures';

const INF = Number.POSITIVE_INFINITY;

/**
 * Four customers, budget 4; channel 1 and offer 1 take one customer each.
 *   0: #0 value 5 cost 2 (ch0, of0, p .2, +.05)   #1 value 9 cost 4 (ch1, of1, p .5, +.10)
 *   1: #2 value -1 cost 1 (ch0, of0, p .1, -.01)  #3 value 3 cost 3 (ch0, of1, p .6, +.04)
 *   2: #4 value 4 cost 1 (ch1, of0, p .3, +.03)
 *   3: #5 value 2 cost 1 (ch0, of1, p .4, +.02)
 */
function handBuilt(plan: number[]): RunStrategyInputs {
  const problem = makeProblem(
    [
      [
        { value: 5, cost: 2, channel: 0, offer: 0 },
        { value: 9, cost: 4, channel: 1, offer: 1 },
      ],
      [
        { value: -1, cost: 1, channel: 0, offer: 0 },
        { value: 3, cost: 3, channel: 0, offer: 1 },
      ],
      [{ value: 4, cost: 1, channel: 1, offer: 0 }],
      [{ value: 2, cost: 1, channel: 0, offer: 1 }],
    ],
    4,
    [INF, 1],
    [INF, 1],
  );
  return {
    problem,
    propensity: Float64Array.from([0.2, 0.5, 0.1, 0.6, 0.3, 0.4]),
    incrementalConversions: Float64Array.from([0.05, 0.1, -0.01, 0.04, 0.03, 0.02]),
    retentionValue: Float64Array.from([10, 50, 30, 20]),
    broadcastOffer: 0,
    plan: Int32Array.from(plan),
  };
}

const byStrategy = (figures: RunStrategyFigures[]) => new Map(figures.map((f) => [f.strategy, f]));

/** What a plan choosing `options` would report. */
function expected(inputs: RunStrategyInputs, options: number[]) {
  const sum = (array: Float64Array) => options.reduce((total, j) => total + (array[j] as number), 0);
  const spend = sum(inputs.problem.cost);
  const profit = sum(inputs.problem.value);
  return {
    customers: options.length,
    spend,
    expectedIncrementalConversions: expect.closeTo(sum(inputs.incrementalConversions), 12),
    expectedIncrementalProfit: profit,
    roi: spend > 0 ? profit / spend : null,
  };
}

describe('compareRunStrategies on a hand-built run', () => {
  // The best plan: customer 2's #4, customer 0's #0 and customer 3's #5, worth 11 for 4.
  const inputs = handBuilt([0, -1, 4, 5]);
  const figures = byStrategy(compareRunStrategies(inputs));

  it('reports every strategy once, in order, with its label', () => {
    const list = compareRunStrategies(inputs);
    expect(list.map((f) => f.strategy)).toEqual([...RUN_STRATEGIES]);
    expect(list.map((f) => f.label)).toEqual([
      'Broadcast in list order',
      'Top-K by response probability',
      'Greedy churn × value × retention rate',
      'This plan',
    ]);
  });

  it('broadcasts offer 0 at its cheapest option in list order', () => {
    // Customers 0, 1, 2 get #0, #2 (a loss it cannot see) and #4 for 2 + 1 + 1; customer 3 has no offer 0.
    expect(figures.get('broadcast')).toMatchObject(expected(inputs, [0, 2, 4]));
  });

  it('sends each customer their likeliest option, likeliest first, skipping what does not fit', () => {
    // Order 1 (.6), 0 (.5), 3 (.4), 2 (.3): #3 takes offer 1's one place and 3 of the 4; #1 costs too
    // much, #5 finds offer 1 full, #4 fits the last 1.
    expect(figures.get('propensity')).toMatchObject(expected(inputs, [3, 4]));
  });

  it('ranks by retention value times tier rate and sends the cheapest option', () => {
    // Tiers on the retention-value ranking: 50 gold (.3), 30 silver (.2), 20 and 10 bronze (.1):
    // scores 15, 6, 2, 1, so customers 1, 2, 3, 0. Cheapest options #2, #4, #5 spend 3; #0 needs 2 more.
    expect(figures.get('expected_value')).toMatchObject(expected(inputs, [2, 4, 5]));
  });

  it('reports the plan as given', () => {
    expect(figures.get('plan')).toMatchObject(expected(inputs, [0, 4, 5]));
    expect(figures.get('plan')?.expectedIncrementalProfit).toBe(solveAllocation(inputs.problem).value);
    const other = byStrategy(compareRunStrategies(handBuilt([1, -1, -1, -1])));
    expect(other.get('plan')).toMatchObject(expected(inputs, [1]));
  });

  it('breaks the propensity order by list order, and the cheapest option by propensity', () => {
    const tied = { ...inputs, propensity: Float64Array.from([0.2, 0.5, 0.1, 0.5, 0.3, 0.4]) };
    // Customers 0 and 1 tie at .5: customer 0's #1 spends the whole budget and offer 1's place.
    expect(byStrategy(compareRunStrategies(tied)).get('propensity')).toMatchObject(expected(inputs, [1]));
    const cheap = handBuilt([-1, -1, -1, -1]);
    cheap.problem.cost[3] = 1;
    // Customer 1's #2 and #3 now both cost 1: the rule takes #3, the likelier.
    const ev = byStrategy(compareRunStrategies(cheap)).get('expected_value');
    expect(ev).toMatchObject({ customers: 3, expectedIncrementalProfit: 3 + 4 + 5 });
  });

  it('reports no ROI when nothing is spent', () => {
    const none = byStrategy(compareRunStrategies(handBuilt([-1, -1, -1, -1])));
    expect(none.get('plan')).toMatchObject({
      customers: 0,
      spend: 0,
      expectedIncrementalProfit: 0,
      roi: null,
    });
  });

  it('rejects arrays that do not match the problem', () => {
    expect(() => compareRunStrategies({ ...inputs, propensity: new Float64Array(5) })).toThrow(/propensity/);
    expect(() => compareRunStrategies({ ...inputs, retentionValue: new Float64Array(3) })).toThrow(
      /retentionValue/,
    );
    expect(() => compareRunStrategies({ ...inputs, broadcastOffer: 2 })).toThrow(/broadcastOffer/);
    expect(() => compareRunStrategies(handBuilt([2, -1, -1, -1]))).toThrow(/plan\[0\]/);
  });
});

/** Per channel and offer, how many customers a set of options uses. */
function uses(problem: AllocationProblem, options: Iterable<number>) {
  const channel = new Float64Array(problem.channelCapacity.length);
  const offer = new Float64Array(problem.offerCapacity.length);
  for (const j of options) {
    channel[problem.channel[j] as number] = (channel[problem.channel[j] as number] as number) + 1;
    offer[problem.offer[j] as number] = (offer[problem.offer[j] as number] as number) + 1;
  }
  return { channel, offer };
}

describe('compareRunStrategies on random runs', () => {
  it('keeps every baseline within the budget and capacities, and below the solved plan', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = mulberry32(seed);
      const problem = randomProblem(rand, 60, 5, 3, 4);
      const options = problem.value.length;
      const reach = uses(problem, problem.offer.keys()).offer;
      const solved = solveAllocation(problem, { tolerance: 1e-9, maxIterations: 200 });
      const figures = compareRunStrategies({
        problem,
        propensity: Float64Array.from({ length: options }, () => rand()),
        incrementalConversions: Float64Array.from({ length: options }, () => rand() * 0.2 - 0.05),
        retentionValue: Float64Array.from({ length: problem.customers }, () => rand() * 100),
        broadcastOffer: reach.indexOf(Math.max(...reach)),
        plan: solved.choice,
      });
      const plan = figures.find((f) => f.strategy === 'plan');
      expect(plan?.expectedIncrementalProfit).toBeCloseTo(solved.value, 9);
      expect(plan?.spend).toBeCloseTo(solved.spend, 9);
      const channelRoom = problem.channelCapacity.reduce((total, cap) => total + cap, 0);
      const offerRoom = problem.offerCapacity.reduce((total, cap) => total + cap, 0);
      for (const f of figures) {
        expect(f.spend).toBeLessThanOrEqual(problem.budget + 1e-9);
        expect(f.customers).toBeLessThanOrEqual(Math.min(channelRoom, offerRoom, problem.customers));
        expect(f.expectedIncrementalProfit).toBeLessThanOrEqual(solved.certificate.dualBound + 1e-9);
        expect(plan?.expectedIncrementalProfit).toBeGreaterThanOrEqual(f.expectedIncrementalProfit - 1e-9);
      }
    }
  });

  it.each([
    // Only channel 0 open, for two customers: no rule can serve more than two.
    ['a channel', [2, 0, 0], [INF, INF, INF], { broadcast: 2, others: 2 }],
    // Only offer 1 open, for three: broadcast (offer 0) serves no one, the others at most three.
    ['an offer', [INF, INF, INF], [0, 3, 0], { broadcast: 0, others: 3 }],
  ])('fills no more of %s than its capacity', (_, channelCapacity, offerCapacity, most) => {
    const rand = mulberry32(99);
    const problem: AllocationProblem = {
      ...randomProblem(rand, 80, 4, 3, 3),
      budget: INF,
      channelCapacity: Float64Array.from(channelCapacity),
      offerCapacity: Float64Array.from(offerCapacity),
    };
    const options = problem.value.length;
    const figures = compareRunStrategies({
      problem,
      propensity: Float64Array.from({ length: options }, () => rand()),
      incrementalConversions: new Float64Array(options),
      retentionValue: Float64Array.from({ length: problem.customers }, () => rand()),
      broadcastOffer: 0,
      plan: new Int32Array(problem.customers).fill(-1),
    });
    for (const f of figures.filter((f) => f.strategy !== 'plan')) {
      const limit = f.strategy === 'broadcast' ? most.broadcast : most.others;
      expect(f.customers).toBeLessThanOrEqual(limit);
      if (f.strategy !== 'broadcast') expect(f.customers).toBeGreaterThan(0);
    }
  });
});
