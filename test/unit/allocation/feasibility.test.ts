import { describe, expect, it } from 'vitest';
import { greedyAllocation, solveAllocation } from '../../../shared/domain/allocation/index';
import { expectFeasible, mulberry32, randomProblem } from './fixtures';

describe('solveAllocation on medium random instances', () => {
  // Budget shares from as generated (rarely binding) to a twentieth (binding hard).
  const cases = [1, 2, 3, 4, 5, 6].flatMap((seed) => [1, 0.2, 0.05].map((share) => ({ seed, share })));
  for (const { seed, share } of cases) {
    it(`returns a feasible plan with a small certificate gap (seed ${seed}, budget x${share})`, () => {
      const rand = mulberry32(seed);
      const generated = randomProblem(rand, 2_000, 6, 1 + (seed % 4), 1 + (seed % 5));
      const problem = { ...generated, budget: generated.budget * share };
      const result = solveAllocation(problem);
      expectFeasible(problem, result);
      const { primal, dualBound, gap } = result.certificate;
      expect(dualBound).toBeGreaterThanOrEqual(primal - 1e-9);
      expect(gap).toBeCloseTo((dualBound - primal) / Math.max(Math.abs(dualBound), 1e-9), 12);
      // With thousands of customers the relaxation is nearly integral.
      expect(gap).toBeLessThan(1e-3);
      expect(result.value).toBeGreaterThanOrEqual(greedyAllocation(problem).value - 1e-9);
    });
  }

  it('reports reduced values consistent with the returned lambda and the choices', () => {
    const problem = randomProblem(mulberry32(42), 2_000, 6, 3, 4);
    const result = solveAllocation(problem);
    for (let i = 0; i < problem.customers; i++) {
      const j = result.choice[i] as number;
      if (j < 0) {
        expect(result.reducedValue[i]).toBe(0);
        continue;
      }
      // The channel and offer prices are not exposed; they only ever lower the reduced value.
      const budgetReduced =
        (problem.value[j] as number) - result.certificate.lambda * (problem.cost[j] as number);
      expect(result.reducedValue[i]).toBeLessThanOrEqual(budgetReduced + 1e-9);
    }
  });

  it('is deterministic', () => {
    const problem = randomProblem(mulberry32(7), 2_000, 6, 3, 3);
    const first = solveAllocation(problem);
    const second = solveAllocation(problem);
    expect(Array.from(second.choice)).toEqual(Array.from(first.choice));
    expect(second.certificate).toEqual(first.certificate);
  });
});
