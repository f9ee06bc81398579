import { describe, expect, it } from 'vitest';
import { type CustomerOutlook, retentionValues } from '#shared/use-cases/plan/customer-outlook';

const candidates = [
  { customerId: 'a', pControl: 0.2 },
  { customerId: 'b', pControl: 0.5 },
];
const past = (id: string) => (id === 'a' ? 100 : 300);
const outlook = (churnProbability: number, value180d: number): CustomerOutlook => ({
  churnProbability,
  value180d,
  lifetimeValue180d: Number.NaN,
});

describe('retentionValues', () => {
  it('ranks by churn probability × 180-day value when the models scored every candidate', () => {
    const r = retentionValues(
      candidates,
      new Map([
        ['a', outlook(0.5, 80)],
        ['b', outlook(0.1, 400)],
      ]),
      past,
    );
    expect(r.basis).toBe('churn_and_value_models');
    expect([...r.values]).toEqual([40, 40]);
  });

  it('falls back, and says so, when a model was skipped for the run', () => {
    const r = retentionValues(
      candidates,
      new Map([
        ['a', outlook(Number.NaN, 80)],
        ['b', outlook(0.1, 400)],
      ]),
      past,
    );
    expect(r.basis).toBe('no_contact_response_and_past_revenue');
    expect([...r.values]).toEqual([0.8 * 100, 0.5 * 300]);
    expect(retentionValues(candidates, new Map(), past).basis).toBe('no_contact_response_and_past_revenue');
  });
});
