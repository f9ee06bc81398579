import { describe, expect, it } from 'vitest';
import { expectedPurchases } from '#shared/domain/clv/bg-nbd';
import { holdoutCheck } from '#shared/domain/clv/holdout-check';

const params = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const customer = (customerId: string, frequency: number, recency: number) => ({
  customerId,
  frequency,
  recency,
  T: 38,
  monetary: frequency > 0 ? 10 : 0,
});

describe('holdoutCheck', () => {
  it('compares predicted and actual purchases per customer, in total and by calibration frequency', () => {
    const calibration = [
      customer('a', 0, 0),
      customer('b', 0, 0),
      customer('c', 2, 30),
      customer('d', 9, 37),
    ];
    const actual = new Map([
      ['b', 1],
      ['c', 3],
      ['d', 5],
    ]);
    const check = holdoutCheck(params, calibration, actual, 39, 2);
    const predicted = calibration.map((c) => expectedPurchases(params, c, 39));
    const [p0 = 0, p1 = 0, p2 = 0, p3 = 0] = predicted;
    expect(check.customers).toBe(4);
    expect(check.actualTotal).toBe(9);
    expect(check.predictedTotal).toBeCloseTo(p0 + p1 + p2 + p3, 12);
    expect(check.meanAbsoluteError).toBeCloseTo(
      (p0 + Math.abs(p1 - 1) + Math.abs(p2 - 3) + Math.abs(p3 - 5)) / 4,
      12,
    );
    expect(check.byFrequency.map((b) => [b.frequency, b.customers, b.actualMean])).toEqual([
      ['0', 2, 0.5],
      ['1', 0, 0],
      ['2+', 2, 4],
    ]);
    expect(check.byFrequency[2]?.predictedMean).toBeCloseTo((p2 + p3) / 2, 12);
  });
});
