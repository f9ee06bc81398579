import { describe, expect, it } from 'vitest';
import { reasonCodes } from '#shared/domain/planning/reasons';

describe('reasonCodes', () => {
  it('writes segment, uplift in points, profit for spend and the budget price', () => {
    expect(
      reasonCodes({
        segment: 'Loyal regulars',
        pTreated: 0.2,
        pControl: 0.1,
        value: 0.35,
        cost: 0.85,
        shadowPrice: 0.1234,
      }),
    ).toEqual([
      'segment: Loyal regulars',
      'uplift: +10.0 points (10.0% → 20.0%)',
      'expected profit 0.35 for a spend of 0.85',
      "beat the budget's price of 0.123 per unit of spend",
    ]);
  });

  it('shows a negative uplift with its minus sign', () => {
    const [, uplift, profit] = reasonCodes({
      segment: 's',
      pTreated: 0.05,
      pControl: 0.1,
      value: -0.85,
      cost: 0.25,
      shadowPrice: 0,
    });
    expect(uplift).toBe('uplift: -5.0 points (10.0% → 5.0%)');
    expect(profit).toBe('expected profit -0.85 for a spend of 0.25');
  });

  it('shows zero uplift as +0.0', () => {
    expect(
      reasonCodes({ segment: 's', pTreated: 0.3, pControl: 0.3, value: 0, cost: 0, shadowPrice: 0 })[1],
    ).toBe('uplift: +0.0 points (30.0% → 30.0%)');
  });

  it('says the budget was not binding when its shadow price is zero', () => {
    const reasons = reasonCodes({
      segment: 's',
      pTreated: 0.3,
      pControl: 0.1,
      value: 2,
      cost: 1,
      shadowPrice: 0,
    });
    expect(reasons[3]).toBe('the budget had room for every profitable contact');
  });

  it('names the drivers, the model inputs that matter most, against their medians', () => {
    const codes = reasonCodes({
      segment: 's',
      pTreated: 0.2,
      pControl: 0.1,
      value: 1,
      cost: 1,
      shadowPrice: 0,
      drivers: [
        { feature: 'recency_days', value: 95, median: 30 },
        { feature: 'otc_share', value: 0.123456, median: 0.5 },
      ],
    });
    expect(codes.at(-1)).toBe('drivers: recency_days 95 (median 30); otc_share 0.123 (median 0.5)');
    expect(
      reasonCodes({
        segment: 's',
        pTreated: 0.2,
        pControl: 0.1,
        value: 1,
        cost: 1,
        shadowPrice: 0,
        drivers: [],
      }),
    ).toHaveLength(4);
  });
});
