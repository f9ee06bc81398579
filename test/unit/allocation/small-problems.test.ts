import { describe, expect, it } from 'vitest';
import { searchCore } from '../../../shared/domain/allocation/core-search';
import { minimiseDual } from '../../../shared/domain/allocation/dual-search';
import { type AllocationProblem, solveAllocation } from '../../../shared/domain/allocation/index';
import { exchangePairs } from '../../../shared/domain/allocation/pair-exchange';
import { measurePlan, type PlanUse } from '../../../shared/domain/allocation/plan-use';
import { createPricing } from '../../../shared/domain/allocation/pricing';
import {
  bruteForce,
  expectFeasible,
  makeProblem,
  mulberry32,
  type OptionSpec,
  randomProblem,
} from './fixtures';

const UNLIMITED = Number.POSITIVE_INFINITY;

/** Checks a plan and its measured use against the problem's budget and capacities. */
function expectPlanFits(problem: AllocationProblem, plan: Int32Array, use: PlanUse): void {
  const measured = measurePlan(problem, plan);
  expect(use.value).toBeCloseTo(measured.value, 9);
  expect(measured.spend).toBeLessThanOrEqual(problem.budget);
  measured.channel.forEach((used, c) => {
    expect(used).toBeLessThanOrEqual(problem.channelCapacity[c] as number);
  });
  measured.offer.forEach((used, o) => {
    expect(used).toBeLessThanOrEqual(problem.offerCapacity[o] as number);
  });
  plan.forEach((j) => {
    if (j >= 0) expect(problem.value[j]).toBeGreaterThan(0);
  });
}

/** Runs the core search from an empty plan at near-optimal dual prices. */
function searchFromNothing(problem: AllocationProblem) {
  const { dual } = minimiseDual(problem, undefined, 60, 1e-9);
  const plan = new Int32Array(problem.customers).fill(-1);
  const searched = searchCore(dual.pricing, plan, measurePlan(problem, plan), 1_000_000);
  return { plan, ...searched };
}

describe('budget arithmetic', () => {
  it('serves a plan whose costs in tenths add up to exactly the budget', () => {
    // 0.1 + 0.2 + 0.3 sums to 0.6000000000000001 in a plain running sum.
    const one = (cost: number): OptionSpec[] => [{ value: 1, cost, channel: 0, offer: 0 }];
    const problem = makeProblem([one(0.1), one(0.2), one(0.3)], 0.6, [UNLIMITED], [UNLIMITED]);
    const result = solveAllocation(problem);
    expectFeasible(problem, result);
    expect(Array.from(result.choice)).toEqual([0, 1, 2]);
    expect(result.spend).toBe(0.6);
  });
});

describe('exchangePairs', () => {
  it('makes room for a more valuable customer by moving another to a cheaper option', () => {
    // A holds a1 (5 for 5); B's only option (7 for 6) does not fit beside it in a budget of 10,
    // and no single move gains. A stepping down to a2 (4 for 4) lets B in: +6.
    const problem = makeProblem(
      [
        [
          { value: 5, cost: 5, channel: 0, offer: 0 },
          { value: 4, cost: 4, channel: 0, offer: 0 },
        ],
        [{ value: 7, cost: 6, channel: 0, offer: 0 }],
      ],
      10,
      [UNLIMITED],
      [UNLIMITED],
    );
    const plan = Int32Array.from([0, -1]);
    const use = exchangePairs(createPricing(problem), plan, measurePlan(problem, plan), 10);
    expect(Array.from(plan)).toEqual([1, 2]);
    expect(use.value).toBe(11);
    expectPlanFits(problem, plan, use);
  });

  it('keeps plans feasible and never loses value on random instances', () => {
    const rand = mulberry32(77);
    for (let t = 0; t < 40; t++) {
      const problem = randomProblem(rand, 30 + Math.floor(rand() * 60), 5, 3, 3);
      const { dual } = minimiseDual(problem, undefined, 30, 1e-6);
      // A feasible start: the customers' best options, greedily, while they fit.
      const plan = new Int32Array(problem.customers).fill(-1);
      let use = measurePlan(problem, plan);
      dual.choice.forEach((j, i) => {
        if (j < 0) return;
        plan[i] = j;
        const trial = measurePlan(problem, plan);
        const fits =
          trial.spend <= problem.budget &&
          trial.channel.every((used, c) => used <= (problem.channelCapacity[c] as number)) &&
          trial.offer.every((used, o) => used <= (problem.offerCapacity[o] as number));
        if (fits) use = trial;
        else plan[i] = -1;
      });
      const before = use.value;
      const after = exchangePairs(dual.pricing, plan, use, 50);
      expect(after.value).toBeGreaterThanOrEqual(before);
      expectPlanFits(problem, plan, after);
    }
  });
});

describe('searchCore', () => {
  it('finds the brute-force optimum whenever it runs to the end', () => {
    const rand = mulberry32(4242);
    let complete = 0;
    for (let t = 0; t < 150; t++) {
      const problem = randomProblem(rand, 1 + Math.floor(rand() * 8), 4, 1 + Math.floor(rand() * 3), 2);
      const { plan, use, stats } = searchFromNothing(problem);
      expectPlanFits(problem, plan, use);
      const optimum = bruteForce(problem);
      expect(use.value).toBeLessThanOrEqual(optimum + 1e-9);
      if (!stats.complete) continue;
      complete++;
      expect(use.value).toBeCloseTo(optimum, 9);
    }
    expect(complete).toBe(150);
  });

  it('solves identical customers (segment-level scores) to the optimum', () => {
    // Ten customers from two segments, three options each, a budget and a channel capacity that
    // bind: without breaking the symmetry the search would try every permutation of each segment.
    const segment = (scale: number): OptionSpec[] => [
      { value: 3 * scale, cost: 2, channel: 0, offer: 0 },
      { value: 2.2 * scale, cost: 1.3, channel: 1, offer: 0 },
      { value: 1.1 * scale, cost: 0.4, channel: 1, offer: 1 },
    ];
    const customers = Array.from({ length: 10 }, (_, i) => segment(i % 2 === 0 ? 1 : 1.4));
    const problem = makeProblem(customers, 9.1, [3, UNLIMITED], [UNLIMITED, 4]);
    const { plan, use, stats } = searchFromNothing(problem);
    expect(stats.complete).toBe(true);
    expectPlanFits(problem, plan, use);
    expect(use.value).toBeCloseTo(bruteForce(problem), 9);
  });
});

describe('solveAllocation on small problems', () => {
  it('returns the same plan every time', () => {
    const problem = randomProblem(mulberry32(31), 150, 6, 3, 3);
    const first = solveAllocation(problem);
    const second = solveAllocation(problem);
    expect(Array.from(second.choice)).toEqual(Array.from(first.choice));
    expect(second.certificate).toEqual(first.certificate);
  });
});
