import { describe, expect, it } from 'vitest';
import { sampleProblem } from '../../../shared/domain/allocation/dual-search';
import { type AllocationProblem, solveAllocation } from '../../../shared/domain/allocation/index';
import { expectFeasible, mulberry32, randomProblem } from './fixtures';

/** A fifth of what every customer's costliest profitable option would spend: binds hard. */
function tightBudget(problem: AllocationProblem): number {
  let total = 0;
  for (let i = 0; i < problem.customers; i++) {
    let most = 0;
    for (let j = problem.optionStart[i] as number; j < (problem.optionStart[i + 1] as number); j++) {
      if ((problem.value[j] as number) > 0) most = Math.max(most, problem.cost[j] as number);
    }
    total += most;
  }
  return total * 0.2;
}

describe('solveAllocation on an instance large enough to start from sampled prices', () => {
  it('stays feasible and closes the gap to within the tolerance', () => {
    const generated = randomProblem(mulberry32(99), 40_000, 5, 3, 4);
    const problem = { ...generated, budget: tightBudget(generated) };
    const result = solveAllocation(problem);
    expectFeasible(problem, result);
    expect(result.certificate.lambda).toBeGreaterThan(0);
    expect(result.certificate.gap).toBeLessThanOrEqual(1e-4);
    expect(result.spend).toBeGreaterThan(problem.budget * 0.99);
  });

  it('honours the tolerance and the iteration cap', () => {
    const generated = randomProblem(mulberry32(98), 40_000, 5, 3, 4);
    const problem = { ...generated, budget: tightBudget(generated) };
    // The default tolerance takes a second round here; any plan meets a 100% gap at the first.
    expect(solveAllocation(problem).certificate.iterations).toBe(2);
    const loose = solveAllocation(problem, { tolerance: 1 });
    expect(loose.certificate.iterations).toBe(1);
    expectFeasible(problem, loose);
    const capped = solveAllocation(problem, { tolerance: 0, maxIterations: 1 });
    expect(capped.certificate.iterations).toBe(1);
    expectFeasible(problem, capped);
  });
});

describe('sampleProblem', () => {
  it('keeps evenly spread customers with their options and scales budget and capacities', () => {
    const problem = randomProblem(mulberry32(5), 1_000, 4, 2, 2);
    const scaled = { ...problem, channelCapacity: Float64Array.from([100, Number.POSITIVE_INFINITY]) };
    const sample = sampleProblem(scaled, 100);
    expect(sample.customers).toBe(100);
    expect(sample.budget).toBeCloseTo(problem.budget / 10, 9);
    expect(Array.from(sample.channelCapacity)).toEqual([10, Number.POSITIVE_INFINITY]);
    // Sample customer s is customer floor((s + 0.5) * 10) of the full problem, options intact.
    for (const s of [0, 37, 99]) {
      const i = Math.floor((s + 0.5) * 10);
      const from = problem.optionStart[i] as number;
      const to = problem.optionStart[i + 1] as number;
      const sampleFrom = sample.optionStart[s] as number;
      expect((sample.optionStart[s + 1] as number) - sampleFrom).toBe(to - from);
      expect(Array.from(sample.value.subarray(sampleFrom, sampleFrom + to - from))).toEqual(
        Array.from(problem.value.subarray(from, to)),
      );
    }
  });
});
