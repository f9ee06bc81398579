import { describe, expect, it } from 'vitest';
import { greedyAllocation, solveAllocation } from '../../../shared/domain/allocation/index';
import { expectFeasible, makeProblem, mulberry32, type OptionSpec, randomProblem } from './fixtures';

const UNLIMITED = Number.POSITIVE_INFINITY;

describe('solveAllocation special cases', () => {
  it('gives every customer their best positive option when nothing binds, with no gap', () => {
    const base = randomProblem(mulberry32(11), 500, 5, 3, 4);
    const problem = {
      ...base,
      budget: UNLIMITED,
      channelCapacity: base.channelCapacity.map(() => UNLIMITED),
      offerCapacity: base.offerCapacity.map(() => UNLIMITED),
    };
    const result = solveAllocation(problem);
    expectFeasible(problem, result);
    for (let i = 0; i < problem.customers; i++) {
      let best = -1;
      for (let j = problem.optionStart[i] as number; j < (problem.optionStart[i + 1] as number); j++) {
        if ((problem.value[j] as number) > (best < 0 ? 0 : (problem.value[best] as number))) best = j;
      }
      expect(result.choice[i]).toBe(best);
    }
    expect(result.certificate.gap).toBeLessThan(1e-12);
    expect(result.certificate.lambda).toBe(0);
  });

  it('chooses only zero-cost positive options when the budget is zero', () => {
    const base = randomProblem(mulberry32(12), 1_000, 5, 2, 3);
    const problem = { ...base, budget: 0 };
    const result = solveAllocation(problem);
    expectFeasible(problem, result);
    let freeAvailable = 0;
    for (let i = 0; i < problem.customers; i++) {
      const j = result.choice[i] as number;
      if (j >= 0) expect(problem.cost[j]).toBe(0);
      for (let k = problem.optionStart[i] as number; k < (problem.optionStart[i + 1] as number); k++) {
        if (problem.cost[k] === 0 && (problem.value[k] as number) > 0) freeAvailable++;
      }
    }
    expect(freeAvailable).toBeGreaterThan(0);
    expect(result.spend).toBe(0);
    expect(result.value).toBeGreaterThan(0);
  });

  it('beats the value-ranked greedy when one expensive customer would crowd out many efficient ones', () => {
    const whale: OptionSpec[] = [{ value: 100, cost: 100, channel: 0, offer: 0 }];
    const minnows: OptionSpec[][] = Array.from({ length: 50 }, () => [
      { value: 10, cost: 2, channel: 0, offer: 0 },
    ]);
    const problem = makeProblem([whale, ...minnows], 100, [UNLIMITED], [UNLIMITED]);
    const greedy = greedyAllocation(problem);
    const solved = solveAllocation(problem);
    expectFeasible(problem, greedy);
    expectFeasible(problem, solved);
    expect(greedy.value).toBe(100);
    expect(solved.value).toBe(500);
    expect(solved.certificate.gap).toBeLessThan(1e-9);
    expect(greedy.certificate.dualBound).toBeGreaterThanOrEqual(500 - 1e-9);
  });

  it('respects a channel capacity by moving customers to their next channel', () => {
    const customer = (sms: number, email: number): OptionSpec[] => [
      { value: sms, cost: 1, channel: 0, offer: 0 },
      { value: email, cost: 1, channel: 1, offer: 0 },
    ];
    const problem = makeProblem(
      [customer(10, 9), customer(8, 1), customer(7, 6.5), customer(6, 0.5)],
      UNLIMITED,
      [2, UNLIMITED],
      [UNLIMITED],
    );
    const result = solveAllocation(problem);
    expectFeasible(problem, result);
    // Optimal: sms to the two customers who lose most without it, email to the other two.
    expect(Array.from(result.choice)).toEqual([1, 2, 5, 6]);
    expect(result.value).toBeCloseTo(9 + 8 + 6.5 + 6, 12);
  });

  it('names a runner-up other than the choice, and none for a single-option customer', () => {
    const problem = randomProblem(mulberry32(13), 1_000, 4, 3, 3);
    const result = solveAllocation(problem);
    let checkedSingle = 0;
    for (let i = 0; i < problem.customers; i++) {
      const count = (problem.optionStart[i + 1] as number) - (problem.optionStart[i] as number);
      const runnerUp = result.runnerUp[i] as number;
      if (count <= 1) {
        expect(runnerUp).toBe(-1);
        checkedSingle++;
        continue;
      }
      expect(runnerUp).not.toBe(result.choice[i]);
      expect(runnerUp).toBeGreaterThanOrEqual(problem.optionStart[i] as number);
      expect(runnerUp).toBeLessThan(problem.optionStart[i + 1] as number);
    }
    expect(checkedSingle).toBeGreaterThan(0);
  });

  it('handles no customers and customers without options', () => {
    const empty = solveAllocation(makeProblem([], 10, [1], [1]));
    expect(empty.choice.length).toBe(0);
    expect(empty.value).toBe(0);
    const problem = makeProblem([[], [{ value: 3, cost: 1, channel: 0, offer: 0 }], []], 10, [1], [1]);
    const result = solveAllocation(problem);
    expect(Array.from(result.choice)).toEqual([-1, 0, -1]);
    expect(Array.from(result.runnerUp)).toEqual([-1, -1, -1]);
  });

  it('never chooses a negative-value option even when it is free', () => {
    const problem = makeProblem(
      [[{ value: -1, cost: 0, channel: 0, offer: 0 }], [{ value: -0.5, cost: 0, channel: 0, offer: 0 }]],
      10,
      [UNLIMITED],
      [UNLIMITED],
    );
    const result = solveAllocation(problem);
    expect(Array.from(result.choice)).toEqual([-1, -1]);
    expect(result.certificate.dualBound).toBe(0);
  });
});

describe('capacities', () => {
  it('treats a fractional capacity as its whole part, in the plan and in the bound', () => {
    const option = (value: number): OptionSpec[] => [{ value, cost: 0, channel: 0, offer: 0 }];
    const problem = makeProblem([option(5), option(4), option(3)], UNLIMITED, [1.5], [UNLIMITED]);
    const result = solveAllocation(problem);
    expect(Array.from(result.choice)).toEqual([0, -1, -1]);
    expect(result.certificate.dualBound).toBeGreaterThanOrEqual(5 - 1e-9);
    expect(result.certificate.dualBound).toBeLessThan(5 + 1e-6);
  });
});
