import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { qiniCoefficient } from '../../../shared/domain/scoring/metrics';
import {
  armShares,
  ipwPolicyValue,
  perfectQiniCurve,
  qiniAucScore,
  upliftAtK,
} from '../../../shared/domain/uplift/uplift-metrics';

// Six customers: treated (t = 1) responders 0 and 1, a treated non-responder 2, control non-responders
// 3 and 4, a control responder 5. R = 2 − 1 × 3/3 = 1 incremental responder over everyone, n = 6.
const labels = [1, 1, 0, 0, 0, 1];
const treated = [1, 1, 1, 0, 0, 0];

describe('perfectQiniCurve (sklift perfect_qini_curve)', () => {
  it('with negative effects: treated responders, then every non-responder as one tie group, then control responders', () => {
    // Oracle scores 1, 1, 0, 0, 0, −1: points after 2 rows (y = 2), after 5 (y = 2 − 0), after 6 (y = 2 − 1·3/3).
    expect(perfectQiniCurve(labels, treated, true)).toEqual({ x: [0, 2, 5, 6], y: [0, 2, 2, 1] });
  });

  it('without negative effects: (0, 0) → (R, R) → (n, R)', () => {
    expect(perfectQiniCurve(labels, treated, false)).toEqual({ x: [0, 1, 6], y: [0, 1, 1] });
  });
});

describe('qiniAucScore (sklift qini_auc_score)', () => {
  // Perfect curve area: 2 + 6 + 1.5 = 9.5; random line (0,0)→(6,1): 3; perfect gain 6.5.
  it('is 1 for the oracle ranking', () => {
    expect(qiniAucScore([3, 3, 2, 2, 2, 1], labels, treated)).toBeCloseTo(1, 12);
  });

  it('computes a hand-worked ranking', () => {
    // Order 0, 3, 1, 4, 2, 5 (scores 6..1). Points: (1, 1), (2, 1 − 0·1/1 = 1), (3, 2 − 0·2/1 = 2),
    // (4, 2 − 0·2/2 = 2), (5, 2 − 0·3/2 = 2), (6, 2 − 1·3/3 = 1).
    // Area: 0.5 + 1 + 1.5 + 2 + 2 + 1.5 = 8.5, so (8.5 − 3) / 6.5.
    const uplift = [6, 4, 2, 5, 3, 1];
    expect(qiniAucScore(uplift, labels, treated)).toBeCloseTo(5.5 / 6.5, 12);
  });

  it('is below zero for the reversed oracle', () => {
    // Order: row 5 (control responder); then the non-responders 2, 3, 4, tied; then 0 and 1, tied.
    // Points: (1, 0 − 1·0/1 = 0); (4, 0 − 1·1/3 = −1/3); (6, 2 − 1·3/3 = 1).
    // Area: 0 + 3·(0 − 1/3)/2 + 2·(−1/3 + 1)/2 = −1/2 + 2/3 = 1/6.
    const uplift = [0, 0, 1, 1, 1, 2];
    expect(qiniAucScore(uplift, labels, treated)).toBeCloseTo((1 / 6 - 3) / 6.5, 12);
  });

  it('lets every tied score enter the curve together, whatever the row order', () => {
    const tied = [1, 1, 1, 1, 1, 1];
    // One point (6, 1): the random line itself.
    expect(qiniAucScore(tied, labels, treated)).toBeCloseTo(0, 12);
  });

  it('with negativeEffect false equals the older qiniCoefficient', () => {
    const rng = xoroshiro128plus(7);
    const n = 500;
    const t = Array.from({ length: n }, () => (uniformFloat64(rng) < 0.5 ? 1 : 0));
    const y = t.map((ti) => (uniformFloat64(rng) < 0.1 + 0.1 * ti ? 1 : 0));
    const score = Array.from({ length: n }, () => uniformFloat64(rng));
    expect(qiniAucScore(score, y, t, { negativeEffect: false })).toBeCloseTo(
      qiniCoefficient(score, y, t),
      10,
    );
    // The default also ranks control responders last in the perfect curve: a larger optimum, a smaller score.
    expect(Math.abs(qiniAucScore(score, y, t))).toBeLessThan(Math.abs(qiniCoefficient(score, y, t)));
  });

  it('is about 0 for random scores on a large randomised sample', () => {
    const rng = xoroshiro128plus(11);
    const n = 20_000;
    const t = Array.from({ length: n }, () => (uniformFloat64(rng) < 0.5 ? 1 : 0));
    const y = t.map((ti) => (uniformFloat64(rng) < 0.1 + 0.05 * ti ? 1 : 0));
    const score = Array.from({ length: n }, () => uniformFloat64(rng));
    expect(Math.abs(qiniAucScore(score, y, t))).toBeLessThan(0.02);
  });

  it('is NaN without treated or without control customers', () => {
    expect(qiniAucScore([1, 2], [1, 0], [1, 1])).toBeNaN();
    expect(qiniAucScore([1, 2], [1, 0], [0, 0])).toBeNaN();
  });
});

describe('upliftAtK (sklift uplift_at_k)', () => {
  const uplift = [6, 4, 2, 5, 3, 1];

  it("'overall': treated minus control response rate among the top ⌊n·k⌋", () => {
    // k = 0.5: top 3 are rows 0 (t, y1), 3 (c, y0), 1 (t, y1): 1 − 0.
    expect(upliftAtK(uplift, labels, treated, { k: 0.5 })).toBe(1);
    // k = 0.9: ⌊5.4⌋ = 5 rows 0, 3, 1, 4, 2: treated 2/3, control 0/2.
    expect(upliftAtK(uplift, labels, treated, { k: 0.9 })).toBeCloseTo(2 / 3, 12);
  });

  it("'by_group': the top ⌊k·count⌋ of each group separately", () => {
    // k = 0.5: ⌊1.5⌋ = 1 of each: treated row 0 (y 1), control row 3 (y 0).
    expect(upliftAtK(uplift, labels, treated, { k: 0.5, strategy: 'by_group' })).toBe(1);
  });

  it('breaks ties as a reversed stable sort does: the later row first', () => {
    // All tied: the top 2 of 'overall' are rows 5 (c, y1) and 4 (c, y0): no treated → NaN.
    expect(upliftAtK([1, 1, 1, 1, 1, 1], labels, treated, { k: 0.4 })).toBeNaN();
    // Top 4: rows 5, 4, 3 (control: 1/3) and 2 (treated: 0/1).
    expect(upliftAtK([1, 1, 1, 1, 1, 1], labels, treated, { k: 0.7 })).toBeCloseTo(-1 / 3, 12);
  });

  it('rejects k outside (0, 1) and non-binary labels', () => {
    expect(() => upliftAtK(uplift, labels, treated, { k: 1 })).toThrow(/k must be a fraction/);
    expect(() => upliftAtK(uplift, [2, 1, 0, 0, 0, 1], treated)).toThrow(/row 0 has label 2/);
  });
});

describe('ipwPolicyValue', () => {
  it('weights the outcomes of customers whose observed arm is the chosen one by 1 / propensity', () => {
    // Observed arms 0, 1, 2, 0; the policy matches rows 1 and 3. (3 / 0.25 + 1 / 0.5) / 4 = 3.5.
    const value = ipwPolicyValue([2, 1, 1, 0], [0, 1, 2, 0], [5, 3, 7, 1], [0.5, 0.25, 0.25]);
    expect(value.value).toBeCloseTo(3.5, 12);
    expect(value.matched).toBe(2);
    // Terms 0, 12, 0, 2 around 3.5: sample variance (12.25 + 72.25 + 12.25 + 2.25) / 3 = 33.
    expect(value.standardError).toBeCloseTo(Math.sqrt(33 / 4), 12);
  });

  it('recovers each arm mean for the fixed policies on a randomised sample', () => {
    const rng = xoroshiro128plus(3);
    const n = 30_000;
    const arm = Array.from({ length: n }, () => Math.floor(uniformFloat64(rng) * 3));
    const rates = [0.1, 0.15, 0.2];
    const y = arm.map((a) => (uniformFloat64(rng) < (rates[a] ?? 0) ? 1 : 0));
    const shares = armShares(arm, 2);
    for (const a of [0, 1, 2]) {
      const v = ipwPolicyValue(new Array(n).fill(a), arm, y, shares);
      expect(Math.abs(v.value - (rates[a] ?? Number.NaN))).toBeLessThan(4 * v.standardError);
    }
  });

  it('rejects propensities outside (0, 1] and mismatched lengths', () => {
    expect(() => ipwPolicyValue([0], [0], [1], [0])).toThrow(/propensity of arm 0/);
    expect(() => ipwPolicyValue([0, 1], [0], [1], [1])).toThrow(/different lengths/);
  });
});
