import { describe, expect, it } from 'vitest';
import { repeatHistoryOf, repeatSpendOf } from '#shared/domain/clv/feature-history';

const facts = (purchaseDays: number, first: number, last: number, meanReceiptValue = 30) => ({
  purchaseDays,
  firstPurchaseAgeDays: first,
  recencyDays: last,
  meanReceiptValue,
});

describe('repeatHistoryOf', () => {
  it('turns purchase days, first and last purchase ages into x, t_x and T in weeks', () => {
    // Four purchase days, the first 70 days before the cut-off, the last 14: x = 3, t_x = 8 weeks, T = 10.
    expect(repeatHistoryOf(facts(4, 70, 14))).toEqual({ frequency: 3, recency: 8, T: 10 });
  });

  it('gives a one-time buyer no repeat and no recency, and a customer who never bought no history', () => {
    expect(repeatHistoryOf(facts(1, 35, 35))).toEqual({ frequency: 0, recency: 0, T: 5 });
    expect(repeatHistoryOf(facts(0, Number.NaN, Number.NaN))).toBeUndefined();
  });

  it('keeps t_x within T even when the facts disagree by a day', () => {
    const h = repeatHistoryOf(facts(2, 1, 0));
    expect(h?.recency).toBeLessThanOrEqual(h?.T ?? 0);
  });
});

describe('repeatSpendOf', () => {
  it('uses the mean receipt value for repeat buyers only', () => {
    expect(repeatSpendOf(facts(4, 70, 14, 25))).toEqual({ frequency: 3, monetary: 25 });
    expect(repeatSpendOf(facts(1, 70, 70, 25))).toBeUndefined();
    expect(repeatSpendOf(facts(4, 70, 14, 0))).toBeUndefined();
  });
});
