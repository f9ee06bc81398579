import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureQueries } from '#shared/domain/features/feature-queries';
import {
  AS_OF,
  byId,
  CATEGORIES,
  handCheckedLake,
  type Lake,
  openLake,
  PARAMS,
  withLake,
} from './lake-fixture';

/**
 * The feature store's derived tables (labels, snapshots, branch performance, co-purchased pairs)
 * run on DuckDB over the hand-checked lake of lake-fixture.ts; every expected value is worked
 * out by hand in the comments.
 */

let lake: Lake;
beforeAll(async () => {
  lake = await openLake(handCheckedLake());
});
afterAll(() => lake.close());

describe('customerLabels', () => {
  const labels = async (asOf: string) =>
    byId(await lake.numericRows(featureQueries.customerLabels({ ...PARAMS, asOf })), 'customer_id');

  it('churn: no purchase in the 90 days from the cut-off; value: net revenue in the 180 days from it', async () => {
    // Cut-off 2025-09-01: churn window to 2025-11-29, value window to 2026-02-27, both inside the data
    // (last transaction 2026-03-01).
    const at = await labels('2025-09-01');
    expect([...at.keys()]).toEqual(['C1', 'C2', 'C3']);
    // C1's next purchase is T2 on 2025-12-01, after the churn window.
    expect(at.get('C1')).toMatchObject({ churned_90d: 1 });
    // C1 in the value window: T2 20 + T1 (2 × 10 + 20 − 5) − the T3 return of 10 = 45; the other
    // run's 100 units on 2026-02-27 are not this run's.
    expect(at.get('C1')?.value_180d).toBeCloseTo(45, 9);
    // C2's first purchase, on 2026-02-28 23:59:59, is one second after the value window ends.
    expect(at.get('C2')).toMatchObject({ churned_90d: 1, value_180d: 0 });
    expect(at.get('C3')).toMatchObject({ churned_90d: 1, value_180d: 0 });
  });

  it('a purchase inside the churn window means not churned', async () => {
    const at = await labels('2025-11-15');
    expect(at.get('C1')).toMatchObject({ churned_90d: 0 });
  });

  it('leaves a label NULL when the data does not reach the end of its window', async () => {
    // 2025-11-15 + 180 days runs past the last transaction; at the run's own cut-off both do.
    expect((await labels('2025-11-15')).get('C1')?.value_180d).toBeNull();
    const atRunCutOff = await labels(AS_OF);
    expect(atRunCutOff.get('C1')).toMatchObject({ churned_90d: null, value_180d: null });
  });
});

describe('branchPerformance', () => {
  it('gives each branch its revenue, active customers and trend, and how its customers responded', async () => {
    const base = handCheckedLake();
    const branchOf: Record<string, string> = {
      L1: 'B1',
      L2: 'B1',
      L3: 'B1',
      L5: 'B1',
      L4: 'B2',
      L6: 'B2',
      L7: 'B2',
    };
    const rows = await withLake(
      {
        ...base,
        customers: base.customers.map((c) =>
          c.run_id
            ? c
            : { ...c, branch: c.customer_id === 'C1' ? 'B1' : c.customer_id === 'C2' ? 'B2' : null },
        ),
        transactions: base.transactions.map((t) =>
          t.run_id ? t : { ...t, branch: branchOf[String(t.line_id)] ?? null },
        ),
      },
      async (other) => byId(await other.numericRows(featureQueries.branchPerformance(PARAMS)), 'branch'),
    );
    // Recent 90 days from 2025-12-01: B1 has T2 (20) and T1 (20 + 15); L5 is 393 days back.
    expect(rows.get('B1')).toMatchObject({
      revenue_90: 55,
      revenue_prev_90: 0,
      revenue_trend_90: 55,
      active_customers_90: 1,
      treated_contacts_365: 2, // K1 and K2, both C1's
      treated_response_rate: 0.5, // K1 converted on day 13; K2's response is the other run's
      control_response_rate: null,
    });
    // B2: C1's return (-10) and C2's purchase (20 - 2); a return does not make a customer active;
    // L7 at the cut-off is not before it. K3 (control) converted an hour after its 14-day window.
    expect(rows.get('B2')).toMatchObject({
      revenue_90: 8,
      active_customers_90: 1,
      treated_contacts_365: 0,
      treated_response_rate: null,
      control_response_rate: 0,
    });
    expect([...rows.keys()]).toEqual(['B1', 'B2']);
  });
});

describe('customerSnapshots', () => {
  it('stacks, per cut-off, the same features and labels as the single cut-off queries', async () => {
    const cutOffs = ['2026-03-01', '2025-09-01'];
    const snapshots = await lake.numericRows(featureQueries.customerSnapshots(PARAMS, cutOffs, CATEGORIES));
    expect(snapshots.map((r) => `${r.as_of}/${r.customer_id}`)).toEqual([
      '2025-09-01/C1',
      '2025-09-01/C2',
      '2025-09-01/C3',
      '2026-03-01/C1',
      '2026-03-01/C2',
      '2026-03-01/C3',
    ]);
    for (const asOf of cutOffs) {
      const params = { ...PARAMS, asOf };
      const features = byId(
        await lake.numericRows(featureQueries.customerFeatures(params, CATEGORIES)),
        'customer_id',
      );
      const labels = byId(await lake.numericRows(featureQueries.customerLabels(params)), 'customer_id');
      for (const row of snapshots.filter((r) => r.as_of === asOf)) {
        const { spine_id, churned_90d, value_180d, ...rest } = row;
        // The scoring query adds the protected attributes for the fairness report; snapshots train
        // models, so they never carry them.
        const {
          spine_id: _single,
          fairness_region: _region,
          fairness_gender: _gender,
          fairness_birth_year: _birthYear,
          ...expected
        } = features.get(row.customer_id) ?? {};
        expect(spine_id).toBe(`${row.customer_id}@${asOf}`);
        expect(rest).toEqual(expected);
        expect({ churned_90d, value_180d }).toEqual({
          churned_90d: labels.get(row.customer_id)?.churned_90d,
          value_180d: labels.get(row.customer_id)?.value_180d,
        });
      }
    }
    // The hand-checked labels of C1 at 2025-09-01 (see customerLabels) come through.
    expect(snapshots[0]).toMatchObject({ customer_id: 'C1', churned_90d: 1, value_180d: 45 });
  });

  it('keeps every k-th customer by id when the batch holds more than the sample asks for', async () => {
    const cutOffs = ['2026-03-01', '2025-09-01'];
    const all = byId(
      await lake.numericRows(featureQueries.customerSnapshots(PARAMS, cutOffs, CATEGORIES)),
      'spine_id',
    );
    // Three customers, about two wanted: every second by id (k = ceil(3 / 2)), C1 and C3.
    const sampled = await lake.numericRows(featureQueries.customerSnapshots(PARAMS, cutOffs, CATEGORIES, 2));
    expect(sampled.map((r) => `${r.as_of}/${r.customer_id}`)).toEqual([
      '2025-09-01/C1',
      '2025-09-01/C3',
      '2026-03-01/C1',
      '2026-03-01/C3',
    ]);
    for (const row of sampled) {
      // The high-value flag ranks a customer among the snapshot's own customers of that cut-off.
      const { is_high_value: _sampledFlag, ...features } = row;
      const { is_high_value: _fullFlag, ...expected } = all.get(row.spine_id) ?? {};
      expect(features).toEqual(expected);
    }
    const one = await lake.numericRows(featureQueries.customerSnapshots(PARAMS, cutOffs, CATEGORIES, 1));
    expect(one.map((r) => r.customer_id)).toEqual(['C1', 'C1']);
  });
});

describe('coPurchase', () => {
  it('measures the pairs bought in the same receipts in the year before the cut-off', async () => {
    const rows = await lake.numericRows(featureQueries.coPurchase(PARAMS, { minBaskets: 1, limit: 10 }));
    // Receipts of the year with a purchase: T1 {P1, P2}, T2 {P2}, T5 {P3}; T4 is 393 days back,
    // T3 is a return and T6 falls on the cut-off. Lift = 1 × 3 / (1 × 2).
    expect(rows).toEqual([
      {
        product_a: 'P1',
        product_b: 'P2',
        label_a: 'Garden', // no subcategory: the category
        label_b: "Kid's Toys",
        together: 1,
        baskets_a: 1,
        baskets_b: 2,
        lift: 1.5,
        confidence_a_to_b: 1,
        confidence_b_to_a: 0.5,
      },
    ]);
    expect(await lake.numericRows(featureQueries.coPurchase(PARAMS, { minBaskets: 2, limit: 10 }))).toEqual(
      [],
    );
  });
});
