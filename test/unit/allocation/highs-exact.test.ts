import { describe, expect, it } from 'vitest';
import { type AllocationProblem, solveAllocation } from '../../../shared/domain/allocation/index';
import {
  benchShaped,
  type Instance,
  large,
  plantedTruth,
  scarce,
  segmentCopies,
  small,
} from '../../support/allocation-instances';
import { solveExactly } from '../../support/exact-allocation';
import {
  bruteForce,
  expectFeasible,
  makeProblem,
  mulberry32,
  randomProblem,
  resultOfChoice,
} from './fixtures';

/**
 * The promise: within 0.1% of the exact optimum. Asserted on every instance below.
 *
 * The Lagrangian plan alone loses a fraction of one customer's value (repair rounds the few
 * customers tied at the binding constraints): up to 0.7% where the optimum serves a few dozen
 * customers, several percent where it serves under ten. Small problems still short of the
 * tolerance get more (see solver.ts): pair moves of the dual, a restart from the smoothed dual
 * (the LP relaxation's prices, where coordinate descent stalls on a kink), pairwise exchanges, a
 * depth-first search over the marginal customers and, when that cannot finish, a dynamic programme
 * over them. Measured with `npm run eval:solver` (more instances than run here), gap to HiGHS:
 * - 40-300 customers, tight (200 instances): worst 0.0036%, 198 exact; serving few (200): worst
 *   0.0012%, 199 exact; 5-40 customers (200): all exact; 500-800 customers (60): worst 0.0081%;
 *   1,000-3,000 customers (20): worst 0.0048%;
 * - 100-500 customers x 24 options shaped like scripts/bench-allocation.ts (200): worst 0.0096%,
 *   none over 0.1% (before the smoothed dual and the programme, on an earlier draw of the same
 *   family: one in 60 over, worst 0.22%);
 * - the same with customers copied from 5-45 segment profiles (120): mean 0.006%, two over 0.1%
 *   (worst 0.40%, 375 customers from 8 profiles, where both the search and the programme give
 *   up); before: three in 20 over, worst 1.0%, with coordinate descent stalled 0.6% above the LP;
 * - the scorecard's problems of planted worlds (100): worst 0.0030%, 97 exact;
 * - 100-400 customers sampled from the demo world's true probabilities (300): worst 0.077%, 295
 *   exact, none over.
 * Problems whose certificate is already within the solver's tolerance (1e-4) skip the extra
 * steps, hence the small non-zero gaps.
 */
const MAX_GAP = 0.001;

function served(choice: Int32Array): number {
  return choice.reduce((count, j) => count + (j === -1 ? 0 : 1), 0);
}

interface Measured {
  gap: number;
  served: number;
  shape: string;
}

/** Solves exactly and with the solver; checks feasibility, the bracket and the 0.1%; returns the gap. */
async function measure({ problem, shape }: { problem: AllocationProblem; shape: string }): Promise<Measured> {
  const exact = await solveExactly(problem);
  const result = solveAllocation(problem);
  expectFeasible(problem, result);
  const { primal, dualBound } = result.certificate;
  expect(dualBound, shape).toBeGreaterThanOrEqual(exact.value - 1e-6);
  expect(primal, shape).toBeLessThanOrEqual(exact.value + 1e-6);
  // HiGHS's optimum is exact to its tolerances, so a plan can match it and read a hair above.
  const gap = Math.max(0, (exact.value - primal) / Math.max(exact.value, 1e-9));
  expect(gap, `${shape}: primal ${primal} vs exact ${exact.value}`).toBeLessThanOrEqual(MAX_GAP);
  return { gap, served: served(exact.choice), shape };
}

function summary(label: string, measured: readonly Measured[]): string {
  const worst = measured.reduce((a, b) => (b.gap > a.gap ? b : a));
  const mean = measured.reduce((sum, m) => sum + m.gap, 0) / measured.length;
  const over = measured.filter((m) => m.gap > MAX_GAP).length;
  return (
    `highs-exact ${label}: ${measured.length} instances, worst gap ${(worst.gap * 100).toFixed(4)}% ` +
    `(${worst.shape}, ${worst.served} served), mean gap ${(mean * 100).toFixed(4)}%, ${over} over 0.1%`
  );
}

/** Measures instances 0..count-1 of a family (each asserted by measure) and logs the summary. */
async function measureFamily(label: string, family: (t: number) => Instance, count: number): Promise<void> {
  const measured: Measured[] = [];
  for (let t = 0; t < count; t++) measured.push(await measure(family(t)));
  console.log(summary(label, measured));
}

describe('solveAllocation against the exact MILP optimum (HiGHS)', () => {
  it('is feasible, bracketed by the optimum and within 0.1% of it on 30 tight instances of 40-300 customers', async () => {
    await measureFamily('40-300 customers, tight', small, 30);
  });

  it('is within 0.1% of the optimum on 20 instances of 40-300 customers that serve few', async () => {
    await measureFamily('40-300 customers, few served', scarce, 20);
  });

  it('is within 0.1% of the optimum on 12 instances of 500-800 customers that serve hundreds', async () => {
    await measureFamily('500-800 customers, hundreds served', large, 12);
  });

  it('is within 0.1% of the optimum on 12 instances of 100-500 customers x 24 options', async () => {
    await measureFamily('100-500 customers x 24 options', benchShaped, 12);
  });

  it('is within 0.1% of the optimum where customers are copies of a few segment profiles', async () => {
    await measureFamily('24 options, segment copies', segmentCopies, 8);
  });

  it('is within 0.1% where the dual search spends every round on copied customers (the smoothed restart still runs)', async () => {
    // Instances 45 and 49 of the family: the descent ends at its 30th round 0.3-0.6% above the LP,
    // and without the restart the plan stayed 0.9-1.0% short of the optimum.
    for (const t of [45, 49]) {
      const { gap, shape } = await measure(segmentCopies(t));
      expect(solveAllocation(segmentCopies(t).problem).certificate.iterations, shape).toBe(30);
      expect(gap, shape).toBeLessThanOrEqual(MAX_GAP);
    }
  });

  it("is within 0.1% of the optimum on the scorecard's true-profit problems of planted worlds", async () => {
    await measureFamily('planted worlds', plantedTruth, 16);
  });

  it('gets a feasible plan from HiGHS whose value is its objective, and the brute-force optimum on tiny ones', async () => {
    for (const { problem } of [small(0), small(1), small(2), small(3), large(1), large(2)]) {
      const exact = await solveExactly(problem);
      expectFeasible(problem, resultOfChoice(problem, exact.choice));
      expect(exact.value).toBeGreaterThan(0);
      expect(exact.value).toBeCloseTo(exact.objective, 6);
    }
    const rand = mulberry32(424242);
    for (let t = 0; t < 60; t++) {
      const problem = randomProblem(rand, 1 + Math.floor(rand() * 7), 3, 1 + Math.floor(rand() * 3), 2);
      const exact = await solveExactly(problem);
      expectFeasible(problem, resultOfChoice(problem, exact.choice));
      expect(exact.value).toBeCloseTo(bruteForce(problem), 9);
    }
  });

  it('finds the hand-computed optimum of a three-customer instance', async () => {
    // Customers A (a1, a2), B (b1, b2), C (c1, c2); budget 10, channel 0 holds one customer.
    // b2 loses money and a1 + c1 share channel 0; of the rest, a1 + b1 and any three-option plan
    // but a2 + b1 + c2 (9) overspend, a1 + c2 is 7, a2 + c1 is 9: the optimum is b1 + c1 = 10
    // (spend 9), leaving A out.
    const problem = makeProblem(
      [
        [
          { value: 5, cost: 6, channel: 0, offer: 0 },
          { value: 3, cost: 2, channel: 1, offer: 0 },
        ],
        [
          { value: 4, cost: 5, channel: 1, offer: 0 },
          { value: -1, cost: 0, channel: 1, offer: 0 },
        ],
        [
          { value: 6, cost: 4, channel: 0, offer: 0 },
          { value: 2, cost: 1, channel: 1, offer: 0 },
        ],
      ],
      10,
      [1, Number.POSITIVE_INFINITY],
      [Number.POSITIVE_INFINITY],
    );
    const exact = await solveExactly(problem);
    expect(exact.value).toBeCloseTo(10, 9);
    expect(Array.from(exact.choice)).toEqual([-1, 2, 4]);
    expect(bruteForce(problem)).toBeCloseTo(10, 9);
    const result = solveAllocation(problem);
    expectFeasible(problem, result);
    expect(result.value).toBeCloseTo(10, 9);
  });
});
