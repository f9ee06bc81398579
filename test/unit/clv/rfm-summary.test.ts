import { describe, expect, it } from 'vitest';
import { InvalidHistoryError } from '#shared/domain/clv/errors';
import { purchaseDaysBetween, rfmSummary } from '#shared/domain/clv/rfm-summary';

describe('rfmSummary', () => {
  const events = [
    { customerId: 'a', day: 100, value: 10 },
    { customerId: 'b', day: 110, value: 7 },
    { customerId: 'a', day: 114, value: 20 },
    { customerId: 'a', day: 114, value: 5 },
    { customerId: 'a', day: 128, value: 15 },
    { customerId: 'a', day: 200, value: 99 },
    { customerId: 'c', day: 150, value: 1 },
  ];

  it('counts repeat purchase days in weeks, same-day purchases once, and ignores what follows the window', () => {
    expect(rfmSummary(events, { lastObservedDay: 135 })).toEqual([
      // days 114 (twice) and 128 are two repeat days; their mean spend is (25 + 15) / 2
      { customerId: 'a', frequency: 2, recency: 4, T: 5, monetary: 20 },
      { customerId: 'b', frequency: 0, recency: 0, T: 25 / 7, monetary: 0 },
    ]);
  });

  it('measures in the period asked for', () => {
    const [a] = rfmSummary(events, { lastObservedDay: 135, periodDays: 1 });
    expect(a).toMatchObject({ frequency: 2, recency: 28, T: 35 });
  });

  it('includes the last observed day', () => {
    const c = rfmSummary(events, { lastObservedDay: 150 }).find((s) => s.customerId === 'c');
    expect(c).toEqual({ customerId: 'c', frequency: 0, recency: 0, T: 0, monetary: 0 });
  });

  it('throws InvalidHistoryError on a fractional day, a negative value or a bad window', () => {
    expect(() => rfmSummary([{ customerId: 'a', day: 1.5 }], { lastObservedDay: 10 })).toThrow(
      InvalidHistoryError,
    );
    expect(() => rfmSummary([{ customerId: 'a', day: 1, value: -3 }], { lastObservedDay: 10 })).toThrow(
      InvalidHistoryError,
    );
    expect(() => rfmSummary([], { lastObservedDay: 10, periodDays: 0 })).toThrow(InvalidHistoryError);
  });
});

describe('purchaseDaysBetween', () => {
  it('counts each customer’s purchase days after one day through another, same-day purchases once', () => {
    const events = [
      { customerId: 'a', day: 10 },
      { customerId: 'a', day: 11 },
      { customerId: 'a', day: 11 },
      { customerId: 'a', day: 20 },
      { customerId: 'a', day: 21 },
      { customerId: 'b', day: 5 },
    ];
    expect(purchaseDaysBetween(events, 10, 20)).toEqual(new Map([['a', 2]]));
  });
});
