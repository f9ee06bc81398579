import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { logLoss, qiniCoefficient, qiniCurve, rocAuc } from '../../../shared/domain/scoring/metrics';

describe('rocAuc', () => {
  it('counts the share of positive–negative pairs ranked correctly', () => {
    // Pairs: 0.35 > 0.1, 0.35 < 0.4, 0.8 > both: 3 of 4.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });

  it('counts tied positive–negative pairs as one half', () => {
    // Positive 0.2 loses to both negatives (0); positive 0.5 ties both (0.5 + 0.5): 1 of 4.
    expect(rocAuc([0.2, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBeCloseTo(0.25, 12);
    expect(rocAuc([0.3, 0.3, 0.3], [1, 0, 1])).toBeCloseTo(0.5, 12);
  });

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
  });

  it('is NaN when a class is absent', () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNaN();
  });

  it('rejects mismatched lengths, non-binary labels and non-finite scores', () => {
    expect(() => rocAuc([0.1, 0.2], [1])).toThrow(/different lengths/);
    expect(() => rocAuc([0.1, 0.2], [1, 2])).toThrow(/labels\[1\] is 2/);
    expect(() => rocAuc([0.1, Number.NaN], [1, 0])).toThrow(/scores\[1\] is NaN/);
  });
});

describe('logLoss', () => {
  it('averages the cross-entropy of each prediction', () => {
    // −(ln 0.9 + ln 0.8) / 2
    expect(logLoss([0.9, 0.2], [1, 0])).toBeCloseTo((0.105360516 + 0.223143551) / 2, 8);
  });

  it('clips certain-and-wrong predictions at 1e-7 instead of returning Infinity', () => {
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo(-Math.log(1e-7), 6);
    expect(logLoss([1, 0], [1, 0])).toBeCloseTo(-Math.log(1 - 1e-7), 12);
  });

  it('rejects non-binary labels', () => {
    expect(() => logLoss([0.5], [0.5])).toThrow(/labels\[0\]/);
  });
});

describe('qiniCurve', () => {
  // uplift, label, treated — already in descending uplift order.
  const uplift = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
  const labels = [1, 0, 1, 0, 1, 0];
  const treated = [1, 0, 1, 1, 0, 0];

  it('adds treated responders and subtracts control responders scaled by treated / control so far', () => {
    // k=1: 1 − 0 (no control yet) | k=2: 1 − 0·1/1 | k=3: 2 − 0·2/1 | k=4: 2 − 0·3/1
    // k=5: 2 − 1·3/2 = 0.5 | k=6: 2 − 1·3/3 = 1
    expect(qiniCurve(uplift, labels, treated)).toEqual({
      x: [0, 1, 2, 3, 4, 5, 6],
      y: [0, 1, 1, 2, 2, 0.5, 1],
    });
  });

  it('emits one point per distinct score, so tied customers enter together', () => {
    const tied = [0.9, 0.75, 0.75, 0.6, 0.5, 0.4];
    expect(qiniCurve(tied, labels, treated)).toEqual({ x: [0, 1, 3, 4, 5, 6], y: [0, 1, 2, 2, 0.5, 1] });
  });
});

describe('qiniCoefficient', () => {
  const labels = [1, 0, 1, 0, 1, 0];
  const treated = [1, 0, 1, 1, 0, 0];

  it('normalises the area above the random line by the no-negative-effect optimum', () => {
    // Model area (trapezoids over the curve above): 0.5 + 1 + 1.5 + 2 + 1.25 + 0.75 = 7.
    // R = 1, n = 6: random line area 3; perfect (0,0)→(1,1)→(6,1) area 5.5, i.e. 2.5 above random.
    // (7 − 3) / 2.5 = 1.6: above 1, because the ranking also pushes a control responder down.
    expect(qiniCoefficient([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], labels, treated)).toBeCloseTo(1.6, 12);
    // With customers 2 and 3 tied the dip at k=2 disappears: area 7.5, (7.5 − 3) / 2.5 = 1.8.
    expect(qiniCoefficient([0.9, 0.75, 0.75, 0.6, 0.5, 0.4], labels, treated)).toBeCloseTo(1.8, 12);
  });

  // Two treated responders, two treated non-responders, two control non-responders: R = 2, n = 6.
  const cleanLabels = [1, 1, 0, 0, 0, 0];
  const cleanTreated = [1, 1, 1, 1, 0, 0];

  it('is 1 when the ranking reproduces the perfect curve', () => {
    expect(qiniCoefficient([6, 5, 4, 3, 2, 1], cleanLabels, cleanTreated)).toBeCloseTo(1, 12);
  });

  it('is negative when the ranking is reversed', () => {
    // Curve 0,0,0,0,1,2: area 2; random area 6; perfect 4 above random: (2 − 6) / 4 = −1.
    expect(qiniCoefficient([1, 2, 3, 4, 5, 6], cleanLabels, cleanTreated)).toBeCloseTo(-1, 12);
  });

  it('is about 0 for a random ranking, and positive for the true uplift', () => {
    const rng = xoroshiro128plus(2024);
    const n = 20_000;
    const trueUplift: number[] = [];
    const randomScore: number[] = [];
    const y: number[] = [];
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = uniformFloat64(rng) * 0.2;
      const isTreated = uniformFloat64(rng) < 0.5 ? 1 : 0;
      trueUplift.push(u);
      randomScore.push(uniformFloat64(rng));
      t.push(isTreated);
      y.push(uniformFloat64(rng) < 0.05 + isTreated * u ? 1 : 0);
    }
    expect(Math.abs(qiniCoefficient(randomScore, y, t))).toBeLessThan(0.1);
    expect(qiniCoefficient(trueUplift, y, t)).toBeGreaterThan(0.2);
  });

  it('is NaN without a treated group, a control group, or any net incremental response', () => {
    expect(qiniCoefficient([1, 2], [1, 0], [1, 1])).toBeNaN();
    expect(qiniCoefficient([1, 2], [1, 0], [0, 0])).toBeNaN();
    // Treated respond 0 of 2, control 1 of 2: R = −1.
    expect(qiniCoefficient([1, 2, 3, 4], [0, 0, 1, 0], [1, 1, 0, 0])).toBeNaN();
  });

  it('rejects non-binary treatment flags', () => {
    expect(() => qiniCoefficient([1, 2], [1, 0], [1, 2])).toThrow(/treated\[1\] is 2/);
  });
});
