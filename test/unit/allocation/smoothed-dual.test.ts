import { describe, expect, it } from 'vitest';
import { minimiseDual } from '../../../shared/domain/allocation/dual-search';
import { smoothedPrices } from '../../../shared/domain/allocation/smoothed-dual';
import { campaignShapedProblem } from '../../support/allocation-instances';
import { solveRelaxation } from '../../support/exact-allocation';
import { makeProblem, mulberry32 } from './fixtures';

/** 100-500 customers x 24 options copied from a few segment profiles: a dual full of large kinks. */
function segmentCopies(seed: number) {
  const rand = mulberry32(seed);
  return campaignShapedProblem(rand, {
    customers: 100 + Math.floor(rand() * 401),
    channels: 4,
    offers: 6,
    segments: 5 + Math.floor(rand() * 41),
    budgetShare: 0.05 + rand() * 0.4,
  });
}

describe('smoothedPrices', () => {
  it("reaches the LP relaxation's optimum, a valid bound, where coordinate descent stalls above it", async () => {
    let stalls = 0;
    for (const seed of [67_004, 67_016, 67_019, 67_092, 57_018]) {
      const problem = segmentCopies(seed);
      const lp = await solveRelaxation(problem);
      const { bound } = smoothedPrices(problem);
      expect(bound, `seed ${seed}`).toBeGreaterThanOrEqual(lp - 1e-6 * lp);
      expect(bound, `seed ${seed}`).toBeLessThanOrEqual(lp + 1e-7 * lp);
      const descent = minimiseDual(problem, undefined, 30, 1e-9).dual.bound;
      if (descent > lp * (1 + 1e-5)) stalls++;
    }
    // Why the smoothing exists: line searches alone stop short on some of these.
    expect(stalls).toBeGreaterThan(0);
  });

  it('rounds identical customers tied at the optimum into the split the constraints need', () => {
    // Ten identical customers, two options each; a channel capacity of 4 on the better one. The
    // LP serves 4 on channel 0 and 6 on channel 1, so the rounding must split the segment.
    const same = [
      { value: 5, cost: 1, channel: 0, offer: 0 },
      { value: 3, cost: 1, channel: 1, offer: 0 },
    ];
    const problem = makeProblem(
      Array.from({ length: 10 }, () => same),
      Number.POSITIVE_INFINITY,
      [4, 100],
      [100],
    );
    const { rounded, prices, bound } = smoothedPrices(problem);
    const onChannel = (c: number) =>
      Array.from(rounded).filter((j) => j >= 0 && problem.channel[j] === c).length;
    expect(onChannel(0)).toBe(4);
    expect(onChannel(1)).toBe(6);
    expect(prices.channel[0]).toBeCloseTo(2, 6);
    // A valid bound, within the last smoothing level's reach of the LP optimum.
    expect(bound).toBeGreaterThanOrEqual(4 * 5 + 6 * 3);
    expect(bound).toBeCloseTo(4 * 5 + 6 * 3, 4);
  });

  it('gives zero prices and each best option when nothing binds', () => {
    const problem = makeProblem(
      [
        [
          { value: 2, cost: 1, channel: 0, offer: 0 },
          { value: 4, cost: 3, channel: 0, offer: 0 },
        ],
        [{ value: -1, cost: 1, channel: 0, offer: 0 }],
      ],
      100,
      [10],
      [10],
    );
    const { rounded, prices, bound } = smoothedPrices(problem);
    expect(prices.lambda).toBe(0);
    expect(Array.from(rounded)).toEqual([1, -1]);
    expect(bound).toBe(4);
  });
});
