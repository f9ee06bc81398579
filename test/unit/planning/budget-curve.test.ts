import { describe, expect, it } from 'vitest';
import { type AllocationProblem, solveAllocation } from '#shared/domain/allocation/index';
import { type BudgetCurve, budgetCurve, marginalProfitAt } from '#shared/domain/planning/budget-curve';
import { bruteForce, makeProblem, mulberry32, randomProblem } from '../allocation/fixtures';

const TOLERANCE = 1e-4;

/** A random instance whose options all cost something, so nothing can be had for free. */
function pricedProblem(seed: number, customers: number): AllocationProblem {
  const problem = randomProblem(mulberry32(seed), customers, 6, 3, 4);
  problem.cost.forEach((c, j) => {
    if (c === 0) problem.cost[j] = 0.1;
  });
  return problem;
}

/** The upper bound a point's gap was measured against. */
const boundOf = (profit: number, gap: number) => (profit > 0 ? profit / (1 - gap) : profit);

function expectWellFormed(curve: BudgetCurve): void {
  const { points } = curve;
  expect(points[0]?.budget).toBe(0);
  expect(points.at(-1)?.budget).toBe(curve.saturationBudget);
  expect(points.at(-1)?.profit).toBe(curve.maxProfit);
  expect(points).toContain(curve.knee);
  points.forEach((point, k) => {
    expect(point.spend).toBeLessThanOrEqual(point.budget * (1 + 1e-12) + 1e-9);
    expect(point.gap).toBeGreaterThanOrEqual(0);
    const previous = points[k - 1];
    if (!previous) return;
    expect(point.budget).toBeGreaterThan(previous.budget);
    expect(point.profit).toBeGreaterThanOrEqual(previous.profit);
    expect(point.marginalProfitPerEuro).toBeCloseTo(
      (point.profit - previous.profit) / (point.budget - previous.budget),
      9,
    );
  });
}

describe('budgetCurve on a hand-built instance', () => {
  // A: 10 for 2 or 14 for 5; B: 6 for 1; C: 3 for 3 or a loss for nothing.
  const problem = makeProblem(
    [
      [
        { value: 10, cost: 2, channel: 0, offer: 0 },
        { value: 14, cost: 5, channel: 0, offer: 1 },
      ],
      [{ value: 6, cost: 1, channel: 1, offer: 0 }],
      [
        { value: 3, cost: 3, channel: 1, offer: 1 },
        { value: -1, cost: 0, channel: 0, offer: 0 },
      ],
    ],
    0,
    [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
    [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
  );

  it('solves each budget to the hand-computed optimum', () => {
    const curve = budgetCurve(problem, { points: 4 });
    expectWellFormed(curve);
    // Saturation: A's 14, B, C: spend 9, profit 23. At 3: A's 10 and B (16). At 6: A's 14 and B (20).
    expect(curve.saturationBudget).toBe(9);
    expect(curve.points.map((p) => [p.budget, p.spend, p.profit, p.customers])).toEqual([
      [0, 0, 0, 0],
      [3, 3, 16, 2],
      [6, 6, 20, 2],
      [9, 9, 23, 3],
    ]);
    expect(curve.points.map((p) => p.marginalProfitPerEuro)).toEqual([0, 16 / 3, 4 / 3, 1]);
    expect(curve.points.every((p) => p.gap <= TOLERANCE)).toBe(true);
    // Lift above the chord: 16/23 - 1/3 at budget 3 beats 20/23 - 2/3 at budget 6.
    expect(curve.knee.budget).toBe(3);
  });

  it('ignores the problem budget', () => {
    const unlimited = budgetCurve({ ...problem, budget: Number.POSITIVE_INFINITY }, { points: 4 });
    expect(unlimited).toEqual(budgetCurve(problem, { points: 4 }));
  });

  it('reads the return on the next euro off the segment ahead, and 0 from saturation on', () => {
    const curve = budgetCurve(problem, { points: 4 });
    expect(marginalProfitAt(curve, 0)).toBeCloseTo(16 / 3, 12);
    expect(marginalProfitAt(curve, 2.5)).toBeCloseTo(16 / 3, 12);
    expect(marginalProfitAt(curve, 3)).toBeCloseTo(4 / 3, 12);
    expect(marginalProfitAt(curve, 8.99)).toBe(1);
    expect(marginalProfitAt(curve, 9)).toBe(0);
    expect(marginalProfitAt(curve, 1e9)).toBe(0);
  });

  it('counts what free options earn at budget 0', () => {
    const free = makeProblem(
      [[{ value: 2, cost: 0, channel: 0, offer: 0 }], [{ value: 5, cost: 4, channel: 0, offer: 0 }]],
      0,
      [Number.POSITIVE_INFINITY],
      [Number.POSITIVE_INFINITY],
    );
    const curve = budgetCurve(free, { points: 3 });
    expect(curve.points.map((p) => [p.budget, p.profit])).toEqual([
      [0, 2],
      [2, 2],
      [4, 7],
    ]);
  });

  it('has one point when nothing is worth buying', () => {
    const empty = makeProblem([[{ value: -1, cost: 1, channel: 0, offer: 0 }]], 5, [1], [1]);
    const curve = budgetCurve(empty);
    expect(curve.points).toHaveLength(1);
    expect(curve.saturationBudget).toBe(0);
    expect(curve.knee).toBe(curve.points[0]);
    expect(marginalProfitAt(curve, 0)).toBe(0);
  });
});

describe('budgetCurve on random instances', () => {
  it('brackets exhaustive search at every point of tiny instances, and usually meets it', () => {
    let points = 0;
    let exact = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const problem = randomProblem(mulberry32(seed), 6, 3, 2, 2);
      const curve = budgetCurve(problem, { points: 6 });
      expectWellFormed(curve);
      for (const point of curve.points) {
        const best = bruteForce({ ...problem, budget: point.budget });
        expect(point.profit).toBeLessThanOrEqual(best + 1e-9);
        expect(boundOf(point.profit, point.gap)).toBeGreaterThanOrEqual(best - 1e-9);
        points++;
        if (point.profit >= best - 1e-9) exact++;
      }
    }
    expect(exact / points).toBeGreaterThan(0.9);
  });

  it('starts at 0, rises to the unlimited plan and bends down, with the knee inside', () => {
    for (const seed of [11, 12, 13, 14, 15]) {
      const problem = pricedProblem(seed, 2000);
      const curve = budgetCurve(problem);
      expectWellFormed(curve);
      expect(curve.points).toHaveLength(21);
      expect(curve.points[0]?.profit).toBe(0);
      const unlimited = solveAllocation({ ...problem, budget: Number.POSITIVE_INFINITY });
      expect(curve.saturationBudget).toBe(unlimited.spend);
      expect(curve.maxProfit).toBeGreaterThanOrEqual(unlimited.value);
      expect(curve.maxProfit).toBeLessThanOrEqual(unlimited.certificate.dualBound * (1 + 1e-12));
      expect(curve.knee.budget).toBeGreaterThan(0);
      expect(curve.knee.budget).toBeLessThan(curve.saturationBudget);
      // Whole options make the best profit dip below a concave curve by up to one option's value,
      // the solver by up to its tolerance: slopes may rise by no more than those dips allow.
      const step = (curve.points[1]?.budget ?? 0) - (curve.points[0]?.budget ?? 0);
      const dip = Math.max(...problem.value) + TOLERANCE * curve.maxProfit;
      for (let k = 2; k < curve.points.length; k++) {
        const rise =
          (curve.points[k]?.marginalProfitPerEuro ?? 0) - (curve.points[k - 1]?.marginalProfitPerEuro ?? 0);
        expect(rise).toBeLessThanOrEqual((2 * dip) / step);
      }
      for (const point of curve.points) expect(point.gap).toBeLessThan(1e-3);
    }
  });
});

const CONTACT_COST = [0.02, 0.1, 0.6];

/**
 * Past a million options the curve prices its points on a sample: 90,000 customers with one
 * option per (channel, offer) pair, a channel and an offer capacity-limited, as in the benchmark.
 */
function largeProblem(seed: number, discounted = true): AllocationProblem {
  const rand = mulberry32(seed);
  const customers = 90_000;
  const [channels, offers] = [3, 4];
  const total = customers * channels * offers;
  const value = new Float64Array(total);
  const cost = new Float64Array(total);
  const channel = new Int32Array(total);
  const offer = new Int32Array(total);
  const optionStart = new Int32Array(customers + 1);
  let j = 0;
  for (let i = 0; i < customers; i++) {
    const responsiveness = Math.exp(rand() * 2 - 1.5);
    const margin = 5 + rand() * 30;
    for (let c = 0; c < channels; c++) {
      for (let o = 0; o < offers; o++, j++) {
        const uplift = Math.min(0.9, 0.02 * responsiveness * (1 + c) * (1 + o) * (0.5 + rand()));
        cost[j] = (CONTACT_COST[c] as number) + (discounted ? uplift * (1 + 3 * o) : 0);
        value[j] = uplift * margin - (cost[j] as number) - 0.3 * rand();
        channel[j] = c;
        offer[j] = o;
      }
    }
    optionStart[i + 1] = j;
  }
  return {
    customers,
    optionStart,
    value,
    cost,
    channel,
    offer,
    budget: 0,
    channelCapacity: Float64Array.from([Number.POSITIVE_INFINITY, 0.1 * customers, Number.POSITIVE_INFINITY]),
    offerCapacity: Float64Array.from([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      0.05 * customers,
    ]),
  };
}

describe('budgetCurve past a million options', () => {
  it.each([
    ['discounts', true],
    ['contact costs only', false],
  ])('stays within half a percent of the solver at each budget, with valid bounds (%s)', (_, discounted) => {
    const problem = largeProblem(7, discounted);
    const curve = budgetCurve(problem);
    expectWellFormed(curve);
    expect(curve.points[0]?.profit).toBe(0);
    expect(curve.knee.budget).toBeGreaterThan(0);
    expect(curve.knee.budget).toBeLessThan(curve.saturationBudget);
    for (const k of [2, 8, 14, 19]) {
      const point = curve.points[k];
      if (!point) throw new Error(`no point ${k}`);
      const solved = solveAllocation({ ...problem, budget: point.budget });
      expect(point.profit).toBeGreaterThanOrEqual(0.995 * solved.value);
      expect(point.profit).toBeLessThanOrEqual(solved.certificate.dualBound);
      expect(boundOf(point.profit, point.gap)).toBeGreaterThanOrEqual(solved.value);
      expect(point.gap).toBeLessThan(0.01);
    }
  });
});
