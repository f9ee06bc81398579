import { describe, expect, it } from 'vitest';
import { knapsackCore } from '../../../shared/domain/allocation/core-knapsack';
import { LagrangianDual } from '../../../shared/domain/allocation/lagrangian';
import { measurePlan } from '../../../shared/domain/allocation/plan-use';
import { createPricing } from '../../../shared/domain/allocation/pricing';
import type { AllocationProblem } from '../../../shared/domain/allocation/problem';
import { repairPlan } from '../../../shared/domain/allocation/repair';
import { smoothedPrices } from '../../../shared/domain/allocation/smoothed-dual';
import { campaignShapedProblem } from '../../support/allocation-instances';
import { solveExactly } from '../../support/exact-allocation';
import { bruteForce, expectFeasible, makeProblem, mulberry32, resultOfChoice } from './fixtures';

const ROOMY = { maxStates: 100_000, maxCandidates: 3_000_000 };

/** The repaired relaxed plan at the LP relaxation's prices: the incumbent the solver hands over. */
function repairedAtLpPrices(problem: AllocationProblem) {
  const dual = new LagrangianDual(problem, smoothedPrices(problem).prices);
  const plan = new Int32Array(problem.customers);
  const use = repairPlan(dual.pricing, dual.choice, plan);
  return { pricing: dual.pricing, plan, use };
}

/** A budget-only problem (capacities out of reach) whose optimum serves a few dozen customers. */
function tightBudget(seed: number): AllocationProblem {
  const rand = mulberry32(seed);
  const problem = campaignShapedProblem(rand, {
    customers: 100 + Math.floor(rand() * 201),
    channels: 4,
    offers: 6,
    budgetShare: 0.02 + rand() * 0.06,
  });
  return { ...problem, channelCapacity: problem.channelCapacity.fill(Number.POSITIVE_INFINITY) };
}

describe('knapsackCore', () => {
  it('turns the repaired plan into the exact optimum where the budget is tight', async () => {
    let improved = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const problem = tightBudget(seed);
      const { pricing, plan, use } = repairedAtLpPrices(problem);
      const before = use.value;
      const outcome = knapsackCore(pricing, plan, use, ROOMY);
      const exact = await solveExactly(problem);
      expect(outcome.complete, `seed ${seed}`).toBe(true);
      expectFeasible(problem, resultOfChoice(problem, plan));
      expect(measurePlan(problem, plan).value).toBeCloseTo(outcome.use.value, 9);
      expect(outcome.use.value, `seed ${seed}`).toBeCloseTo(exact.value, 6);
      if (outcome.use.value > before + 1e-9) improved++;
    }
    expect(improved).toBeGreaterThan(0);
  });

  it('tracks a capacity that the budget-only optimum overruns', () => {
    // Four customers, each with a 5 on channel 0 and a 4 on channel 1, both costing 3. A budget
    // of 10 pays for three; channel 0 holds two: the best is two 5s and a 4.
    const both = [
      { value: 5, cost: 3, channel: 0, offer: 0 },
      { value: 4, cost: 3, channel: 1, offer: 0 },
    ];
    const problem = makeProblem([both, both, both, both], 10, [2, 10], [10]);
    const plan = new Int32Array(4).fill(-1);
    const outcome = knapsackCore(createPricing(problem), plan, measurePlan(problem, plan), ROOMY);
    expect(outcome.complete).toBe(true);
    expect(outcome.use.value).toBe(14);
    expect(bruteForce(problem)).toBe(14);
    expectFeasible(problem, resultOfChoice(problem, plan));
  });

  it('gives up, leaving the plan as it was, when the partial plans outgrow the limit', () => {
    const problem = tightBudget(7);
    const { pricing, plan, use } = repairedAtLpPrices(problem);
    const before = plan.slice();
    const outcome = knapsackCore(pricing, plan, use, { maxStates: 2, maxCandidates: 3_000_000 });
    expect(outcome.complete).toBe(false);
    expect(outcome.use.value).toBeGreaterThanOrEqual(use.value);
    if (outcome.use.value === use.value) expect(Array.from(plan)).toEqual(Array.from(before));
  });
});
