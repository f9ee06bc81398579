import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryColumnSuffixes, featureQueries } from '#shared/domain/features/feature-queries';
import { featureVectorFor } from '#shared/domain/features/feature-vector';
import {
  AS_OF,
  byId,
  CATEGORIES,
  contact,
  handCheckedLake,
  type Lake,
  type LakeData,
  OTHER_RUN,
  openLake,
  PARAMS,
  txn,
  withLake,
} from './lake-fixture';

/**
 * The feature SQL run on DuckDB (as the local Athena endpoint runs it) over a tiny lake whose
 * every expected value was worked out by hand; see handCheckedLake() for the story.
 */

const scoringSql = featureQueries.customerFeatures(PARAMS, CATEGORIES);
const trainingSql = featureQueries.trainingSet(PARAMS, CATEGORIES);

let lake: Lake;
beforeAll(async () => {
  lake = await openLake(handCheckedLake());
});
afterAll(() => lake.close());

describe('topCategories', () => {
  it('ranks categories by gross revenue of purchases before the cut-off', async () => {
    // Kid's Toys 20 + 20, Food 3×5 + 4×5, Garden 2×10 (the return and the line at the cut-off do not count).
    const rows = await lake.numericRows(featureQueries.topCategories(PARAMS, 10));
    expect(rows).toEqual([
      { category: "Kid's Toys", revenue: 40 },
      { category: 'Food', revenue: 35 },
      { category: 'Garden', revenue: 20 },
    ]);
  });

  it('returns at most `limit` categories', async () => {
    const rows = await lake.rows(featureQueries.topCategories(PARAMS, 2));
    expect(rows.map((r) => r.category)).toEqual(["Kid's Toys", 'Food']);
  });
});

describe('customerFeatures: hand-checked values as of the cut-off', () => {
  let rows: Map<unknown, Record<string, unknown>>;
  beforeAll(async () => {
    rows = byId(await lake.numericRows(scoringSql), 'customer_id');
  });

  it('has one row per customer of the run, in customer order', async () => {
    expect((await lake.rows(scoringSql)).map((r) => r.customer_id)).toEqual(['C1', 'C2', 'C3']);
  });

  it('C1: recency, frequency and monetary net of returns and discounts', () => {
    expect(rows.get('C1')).toMatchObject({
      spine_id: 'C1',
      as_of: AS_OF,
      recency_days: 9, // T1 on 2026-02-20
      frequency_365: 2, // T1, T2 (T3 is a return, T4 is 393 days back)
      frequency_90: 1, // T1 (T2 is exactly 90 days back)
      monetary_365: 45, // 20 + (20 - 5) + 20 - 10
      monetary_90: 25, // 20 + 15 - 10
      trend_90: 5, // 25 - 20 (T2, 90 days back)
      tenure_days: 424, // 2025-01-01 → 2026-03-01
      avg_basket_value: 22.5, // 45 / 2
      return_rate: 0.25, // 1 of 4 lines in 365 days
      discount_share: 0.25,
      online_share: 0.5,
      app_share: 0.25,
    });
  });

  it('C1: the 30- and 180-day windows, purchase rhythm, basket size, channel and timing mix', () => {
    const c1 = rows.get('C1') ?? {};
    expect(c1).toMatchObject({
      frequency_30: 1, // T1
      monetary_30: 25, // 20 + 15 - 10
      frequency_180: 2, // T1, T2
      monetary_180: 45,
      basket_lines_mean: 1.5, // 3 purchase lines (L1, L2, L3) over 2 receipts in the year
      otc_share: 0.25, // the L4 return at the counter, of 4 lines
      discount_spend_share: 5 / 60, // 5 off L2, of 20 + 20 + 20 bought in the year
      weekend_share: 0, // Monday 2025-12-01, Friday 2026-02-20, Wednesday 2026-02-25
      mean_hour_365: 11, // 15, 10, 10, 9
      home_branch: null, // no line names a branch
      is_inactive: false,
      is_otc_only: false,
    });
    // Purchase days 2025-02-01, 2025-12-01, 2026-02-20: gaps of 303 and 81 days.
    expect(c1.inter_purchase_mean_days).toBe(192);
    expect(c1.inter_purchase_sd_days).toBeCloseTo(Math.sqrt(((303 - 192) ** 2 + (81 - 192) ** 2) / 1), 9);
    // The whole history for BG/NBD: three purchase days, the first 2025-02-01, 393 days before the 2026-03-01 cut-off.
    expect(c1).toMatchObject({ purchase_days_total: 3, first_purchase_age_days: 393 });
  });

  it('lifecycle flags: no purchase for 180 days is inactive; the top tenth by 365-day value is high-value', () => {
    expect(rows.get('C3')).toMatchObject({ is_inactive: true, is_high_value: false, is_otc_only: false });
    // C1's 45 ranks above C2's 18 and C3's 0 (percent rank 1); C2 ranks 0.5.
    expect(rows.get('C1')).toMatchObject({ is_high_value: true });
    expect(rows.get('C2')).toMatchObject({ is_high_value: false, is_inactive: false });
    // A single purchase day has no gap to measure.
    expect(rows.get('C2')).toMatchObject({ inter_purchase_mean_days: null, inter_purchase_sd_days: null });
  });

  it('home branch: the branch of most lines in the year, a tie going to the one visited last', async () => {
    const base = handCheckedLake();
    const at = (line: string, ts: string, branch: string, customer = 'C3') => ({
      ...txn(line, `T${line}`, customer, ts, 'P1', 1, 10, null, 'over_the_counter'),
      branch,
    });
    const homes = await withLake(
      {
        ...base,
        transactions: [
          ...base.transactions,
          at('B1', '2026-01-05 10:00:00', 'North-1'),
          at('B2', '2026-01-06 10:00:00', 'North-1'),
          at('B3', '2026-02-01 10:00:00', 'South-2'),
          at('B4', '2026-01-05 10:00:00', 'East-1', 'C2'),
          at('B5', '2026-02-10 10:00:00', 'West-3', 'C2'),
        ],
      },
      async (other) => byId(await other.numericRows(scoringSql), 'customer_id'),
    );
    expect(homes.get('C3')).toMatchObject({ home_branch: 'North-1', is_otc_only: true });
    expect(homes.get('C2')?.home_branch).toBe('West-3');
  });

  it('C1: category shares of the net 365-day value', () => {
    const c1 = rows.get('C1') ?? {};
    expect(c1.cat_share_kid_s_toys).toBeCloseTo(35 / 45, 12);
    expect(c1.cat_share_garden).toBeCloseTo(10 / 45, 12);
    expect(c1.cat_share_food).toBe(0); // the Food purchase is 393 days back
  });

  it('C1: contacts in the last 90 days and days since the last treatment contact', () => {
    expect(rows.get('C1')).toMatchObject({
      contacts_7: 0,
      contacts_30: 0,
      contacts_90: 1, // K1 by e-mail 50 days back; K2 by SMS is 151 days back
      contacts_90_email: 1,
      contacts_90_sms: 0,
      days_since_last_contact: 50,
    });
  });

  it('C1: response by channel and by discount, and its trend, from responses the cut-off has seen', () => {
    // K1 (e-mail, 10%) converted on day 13; K2 (SMS, 10%) has a response only in the other run.
    expect(rows.get('C1')).toMatchObject({
      response_rate_email: 1,
      response_rate_sms: 0,
      response_rate_push: null,
      response_rate_direct_mail: null,
      response_rate_discounted: 0.5,
      response_rate_undiscounted: null,
      mean_discount_converted: 10,
      response_rate_trend: null, // both contacts are in the last 180 days: nothing to compare with
    });
    // C2 was only ever in the control group.
    expect(rows.get('C2')).toMatchObject({ response_rate_email: null, response_rate_discounted: null });
  });

  it('consent flags, empty as false', () => {
    const consents = (id: string) => {
      const r = rows.get(id) ?? {};
      return [r.consent_email, r.consent_sms, r.consent_push, r.consent_direct_mail, r.consent_call_centre];
    };
    expect(consents('C1')).toEqual([true, false, false, true, false]);
    expect(consents('C2')).toEqual([false, true, true, false, false]);
    expect(consents('C3')).toEqual([false, false, false, false, false]);
  });

  it('C2: a purchase one second before the cut-off counts, one at the cut-off does not', () => {
    expect(rows.get('C2')).toMatchObject({
      recency_days: 1,
      frequency_365: 1,
      frequency_90: 1,
      monetary_365: 18, // 4 × 5 - 2
      monetary_90: 18,
      trend_90: 18,
      tenure_days: 28,
      avg_basket_value: 18,
      return_rate: 0,
      discount_share: 1,
      online_share: 1,
      app_share: 0,
      cat_share_food: 1,
      cat_share_garden: 0,
      cat_share_kid_s_toys: 0,
    });
  });

  it('C2: a control contact is not a contact', () => {
    expect(rows.get('C2')).toMatchObject({ contacts_90: 0, days_since_last_contact: null });
  });

  it('C3: no history gives zeros, and null where a gap is undefined', () => {
    expect(rows.get('C3')).toMatchObject({
      recency_days: null,
      frequency_365: 0,
      frequency_90: 0,
      monetary_365: 0,
      monetary_90: 0,
      trend_90: 0,
      tenure_days: 14,
      avg_basket_value: 0,
      return_rate: 0,
      discount_share: 0,
      online_share: 0,
      app_share: 0,
      contacts_90: 0,
      days_since_last_contact: null,
      cat_share_food: 0,
      cat_share_garden: 0,
      cat_share_kid_s_toys: 0,
    });
  });
});

describe('trainingSet: hand-checked rows', () => {
  let rows: Map<unknown, Record<string, unknown>>;
  beforeAll(async () => {
    rows = byId(await lake.numericRows(trainingSql), 'contact_id');
  });

  it('has one row per contact of the run, treated and held out', async () => {
    expect((await lake.rows(trainingSql)).map((r) => r.contact_id)).toEqual(['K1', 'K2', 'K3']);
  });

  it('gives the same rows when its SQL bounds the months by the send window', async () => {
    const [window] = await lake.rows(featureQueries.sendWindow(PARAMS));
    const first = String(window?.first_send);
    const last = String(window?.last_send);
    expect(first <= last).toBe(true);
    const bounded = await lake.numericRows(featureQueries.trainingSet(PARAMS, CATEGORIES, { first, last }));
    expect(bounded).toEqual(await lake.numericRows(trainingSql));
  });

  it('K1: the features of C1 as of the send date, from rows before it only', () => {
    expect(rows.get('K1')).toMatchObject({
      campaign_id: 'CMP1',
      assignment: 'treatment',
      offer_id: 'O1',
      channel_id: 'email',
      discount_pct: 10,
      customer_id: 'C1',
      as_of: '2026-01-10',
      recency_days: 40, // T2 on 2025-12-01
      frequency_365: 2, // T2 and T4 (343 days back)
      frequency_90: 1,
      monetary_365: 35, // 20 + 15
      monetary_90: 20,
      trend_90: 20,
      tenure_days: 374,
      avg_basket_value: 17.5,
      return_rate: 0,
      discount_share: 0,
      online_share: 0,
      app_share: 0.5,
      contacts_90: 0, // K2 is 101 days earlier
      days_since_last_contact: 101,
      // Only K2 came before: K1's own conversion is its label, never its feature.
      response_rate_sms: 0,
      response_rate_email: null,
    });
    expect(rows.get('K1')?.cat_share_kid_s_toys).toBeCloseTo(20 / 35, 12);
    expect(rows.get('K1')?.cat_share_food).toBeCloseTo(15 / 35, 12);
    expect(rows.get('K1')?.cat_share_garden).toBe(0);
  });

  it('K1: converted 13 days after the send, within the 14-day window', () => {
    expect(rows.get('K1')).toMatchObject({ converted: 1, response_revenue: 40 });
  });

  it('K2: an earlier contact sees only the history before it', () => {
    expect(rows.get('K2')).toMatchObject({
      as_of: '2025-10-01',
      recency_days: 242,
      frequency_365: 1,
      frequency_90: 0,
      monetary_365: 15,
      monetary_90: 0,
      tenure_days: 273,
      contacts_90: 0,
      days_since_last_contact: null,
      cat_share_food: 1,
      converted: 0,
      response_revenue: 0,
    });
  });

  it('K3: a control contact whose conversion came on day 15 did not convert', () => {
    expect(rows.get('K3')).toMatchObject({
      assignment: 'control',
      offer_id: null,
      channel_id: null,
      discount_pct: null,
      customer_id: 'C2',
      as_of: '2026-01-10',
      converted: 0,
      recency_days: null,
      frequency_365: 0,
      tenure_days: 0, // signed up after the send: floored at 0
    });
  });

  it('counts a conversion from the send time up to, not including, send + 14 days', async () => {
    const at = async (convertedAt: string) => {
      const data = handCheckedLake();
      data.responses = [{ contact_id: 'K1', converted_at: convertedAt, revenue: 40 }];
      return withLake(
        data,
        async (l) => byId(await l.numericRows(trainingSql), 'contact_id').get('K1')?.converted,
      );
    };
    expect(await at('2026-01-10 09:00:00')).toBe(1);
    expect(await at('2026-01-24 08:59:59')).toBe(1);
    expect(await at('2026-01-24 09:00:00')).toBe(0);
    expect(await at('2026-01-10 08:59:59')).toBe(0);
  });
});

describe('offerEconomics, channels and datasetCounts', () => {
  it('values each offer by its own conversions, else the store-wide mean, with category margins', async () => {
    const rows = await lake.numericRows(featureQueries.offerEconomics(PARAMS));
    expect(rows).toHaveLength(3);
    const [o1, o2, o3] = rows;
    expect(o1).toMatchObject({
      offer_id: 'O1',
      name: 'Garden 10%',
      kind: 'percent_off',
      target_category: 'Garden',
      discount_pct: 10,
      discount_levels: '5;10;20',
      eligibility: '{"min_recency_days":30}',
      valid_from: '2026-01-01',
      valid_to: '2026-03-31',
      max_volume: 100,
      conversions: 1,
    });
    // K1 paid 40 for a basket sent at 10% off: the basket before the discount was worth 40 / 0.9.
    expect(o1?.value_per_response).toBeCloseTo(40 / 0.9, 12);
    expect(o1?.margin_rate).toBeCloseTo(0.4, 12); // 1 - 6/10
    // Food has no unit costs: the store-wide margin 1 - (6 + 15) / (10 + 20).
    // The store-wide fallback averages treated conversions within the window only: K1's (K3 is control).
    expect(o2?.value_per_response).toBeCloseTo(40 / 0.9, 12);
    expect(o2).toMatchObject({
      offer_id: 'O2',
      conversions: 0,
      max_volume: null,
      discount_levels: null,
      eligibility: null,
    });
    expect(o2?.margin_rate).toBeCloseTo(0.3, 12);
    expect(o3).toMatchObject({
      offer_id: 'O3',
      target_category: null,
      conversions: 0,
    });
    expect(o3?.value_per_response).toBeCloseTo(40 / 0.9, 12);
    expect(o3?.margin_rate).toBeCloseTo(0.3, 12);
  });

  it('lists the channels of the run', async () => {
    expect(await lake.numericRows(featureQueries.channels(PARAMS))).toEqual([
      { channel_id: 'email', cost_per_contact: 0.01, capacity_per_day: 10000 },
      { channel_id: 'sms', cost_per_contact: 0.05, capacity_per_day: 2000 },
    ]);
  });

  it('lists the hours past campaigns sent at on timed channels, before the cut-off', async () => {
    // K1 went by e-mail at 09:00; K2 by SMS, which has no send window; K9 belongs to another run.
    expect(await lake.numericRows(featureQueries.sendHours(PARAMS))).toEqual([
      { channel_id: 'email', send_hour: 9, contacts: 1 },
    ]);
    expect(await lake.numericRows(featureQueries.sendHours({ ...PARAMS, asOf: '2026-01-10' }))).toEqual([]);
    expect(await lake.types(featureQueries.sendHours(PARAMS))).toEqual({
      channel_id: 'VARCHAR',
      send_hour: 'BIGINT',
      contacts: 'BIGINT',
    });
  });

  it('counts the customers and contacts of the run', async () => {
    expect(await lake.numericRows(featureQueries.datasetCounts(PARAMS))).toEqual([
      { customers: 3, contacts: 3, training_contacts: 3 },
    ]);
  });
});

describe('trainingSet: a sample of customers when the history is larger than the model needs', () => {
  // Ten contacted customers, C01 with 1 contact, C02 with 2, C03 with 3, C04 with 1 …: 19 in all,
  // plus a customer of another run whose contacts count for nothing.
  const ids = Array.from({ length: 10 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`);
  const data = {
    customers: [...ids, 'C99'].map((customer_id) => ({
      customer_id,
      signup_date: '2025-01-01',
      region: 'North',
    })),
    transactions: ids.map((id, i) =>
      txn(`L${i}`, `T${i}`, id, '2025-12-01 10:00:00', 'P1', 1, 10, null, 'online'),
    ),
    contacts: [
      ...ids.flatMap((id, i) =>
        Array.from({ length: (i % 3) + 1 }, (_, n) =>
          contact(`K${id}-${n}`, 'CMP1', id, 'O1', 'email', `2026-01-${10 + n} 09:00:00`, 'treatment', 10),
        ),
      ),
      ...Array.from({ length: 30 }, (_, n) => ({
        ...contact(`X${n}`, 'CMP0', 'C99', 'O1', 'email', '2026-01-10 09:00:00', 'treatment', 10),
        run_id: OTHER_RUN,
      })),
    ],
  };
  const allContacts = 19;
  const sampled = (sample: number) => featureQueries.trainingSet(PARAMS, CATEGORIES, undefined, sample);
  const customersOf = (rows: Record<string, unknown>[]) => [...new Set(rows.map((r) => r.customer_id))];

  it('keeps every contact while the history is no larger than the sample', async () => {
    await withLake(data, async (lake) => {
      const rows = await lake.rows(sampled(allContacts));
      expect(rows).toHaveLength(allContacts);
      expect(await lake.numericRows(featureQueries.datasetCounts(PARAMS, allContacts))).toEqual([
        { customers: 11, contacts: allContacts, training_contacts: allContacts },
      ]);
    });
  });

  it('otherwise keeps every contact of every k-th contacted customer by id, and counts them', async () => {
    await withLake(data, async (lake) => {
      // 19 contacts for about 7: every third customer, C01, C04, C07 and C10, with 1 + 1 + 1 + 1 contacts.
      const rows = await lake.numericRows(sampled(7));
      expect(customersOf(rows)).toEqual(['C01', 'C04', 'C07', 'C10']);
      expect(rows.map((r) => r.contact_id)).toEqual(['KC01-0', 'KC04-0', 'KC07-0', 'KC10-0']);
      // Every second customer: C01, C03 (3 contacts), C05 (2), C07, C09 (3).
      const half = await lake.numericRows(sampled(10));
      expect(customersOf(half)).toEqual(['C01', 'C03', 'C05', 'C07', 'C09']);
      expect(half).toHaveLength(10);
      expect(await lake.numericRows(featureQueries.datasetCounts(PARAMS, 10))).toEqual([
        { customers: 11, contacts: allContacts, training_contacts: 10 },
      ]);
      // A sampled contact's row is its row in the whole training set, but for the high-value flag,
      // which ranks the customers of the same cut-off among those the training set holds.
      const whole = byId(await lake.numericRows(sampled(allContacts)), 'contact_id');
      for (const { is_high_value: _sampledFlag, ...row } of half) {
        const { is_high_value: _flag, ...full } = whole.get(row.contact_id) ?? {};
        expect(row).toEqual(full);
      }
    });
  });
});

describe('result types', () => {
  // HUGEINT is what DuckDB's count_if gives; the local Athena endpoint reports it as bigint, like Athena.
  const NUMERIC = ['INTEGER', 'BIGINT', 'HUGEINT', 'DOUBLE'];

  for (const [name, sql] of [
    ['customerFeatures', scoringSql],
    ['trainingSet', trainingSql],
  ] as const) {
    it(`${name}: every model feature is a number (or a boolean flag), never text`, async () => {
      const types = await lake.types(sql);
      const vector = featureVectorFor(Object.keys(types));
      expect(vector.names).toEqual(
        expect.arrayContaining(categoryColumnSuffixes(CATEGORIES).map((s) => `cat_share_${s}`)),
      );
      for (const spec of vector.specs) {
        const expected = spec.transform === 'boolean' ? ['BOOLEAN'] : NUMERIC;
        expect(expected, `type of ${spec.name}`).toContain(types[spec.name]);
      }
      expect(types.as_of).toBe('DATE');
    });
  }

  it('customerLabels: the churn label is an integer and the value a double', async () => {
    expect(await lake.types(featureQueries.customerLabels({ ...PARAMS, asOf: '2025-09-01' }))).toEqual({
      customer_id: 'VARCHAR',
      churned_90d: 'INTEGER',
      value_180d: 'DOUBLE',
    });
  });

  it('trainingSet: the label is a number and the assignment text', async () => {
    const types = await lake.types(trainingSql);
    expect(types).toMatchObject({ converted: 'INTEGER', response_revenue: 'DOUBLE', assignment: 'VARCHAR' });
  });

  it('offerEconomics, channels, datasetCounts, topCategories: numbers where the catalog expects numbers', async () => {
    expect(await lake.types(featureQueries.offerEconomics(PARAMS))).toEqual({
      offer_id: 'VARCHAR',
      name: 'VARCHAR',
      kind: 'VARCHAR',
      target_category: 'VARCHAR',
      target_product_id: 'VARCHAR',
      discount_pct: 'DOUBLE',
      discount_levels: 'VARCHAR',
      eligibility: 'VARCHAR',
      valid_from: 'VARCHAR',
      valid_to: 'VARCHAR',
      max_volume: 'INTEGER',
      conversions: 'BIGINT',
      value_per_response: 'DOUBLE',
      margin_rate: 'DOUBLE',
    });
    expect(await lake.types(featureQueries.channels(PARAMS))).toEqual({
      channel_id: 'VARCHAR',
      cost_per_contact: 'DOUBLE',
      capacity_per_day: 'INTEGER',
    });
    expect(await lake.types(featureQueries.datasetCounts(PARAMS))).toEqual({
      customers: 'BIGINT',
      contacts: 'BIGINT',
      training_contacts: 'BIGINT',
    });
    expect(await lake.types(featureQueries.topCategories(PARAMS, 8))).toEqual({
      category: 'VARCHAR',
      revenue: 'DOUBLE',
    });
  });

  it('no query yields a DECIMAL, whose scale would differ between DuckDB and Athena', async () => {
    for (const sql of Object.values(allQueries())) {
      expect(Object.values(await lake.types(sql)).filter((t) => t.startsWith('DECIMAL'))).toEqual([]);
    }
  });

  it('every query gives the same result with and without Trino integer division', async () => {
    const decimal = await openLake(handCheckedLake(), false);
    try {
      for (const [name, sql] of Object.entries(allQueries())) {
        expect({ name, rows: await decimal.rows(sql) }).toEqual({ name, rows: await lake.rows(sql) });
      }
    } finally {
      decimal.close();
    }
  });
});

function allQueries(): Record<string, string> {
  return {
    topCategories: featureQueries.topCategories(PARAMS, 8),
    customerFeatures: scoringSql,
    trainingSet: trainingSql,
    offerEconomics: featureQueries.offerEconomics(PARAMS),
    channels: featureQueries.channels(PARAMS),
    sendHours: featureQueries.sendHours(PARAMS),
    datasetCounts: featureQueries.datasetCounts(PARAMS),
    customerLabels: featureQueries.customerLabels({ ...PARAMS, asOf: '2025-09-01' }),
    branchPerformance: featureQueries.branchPerformance(PARAMS),
    customerSnapshots: featureQueries.customerSnapshots(PARAMS, ['2025-09-01', AS_OF], CATEGORIES),
    coPurchase: featureQueries.coPurchase(PARAMS, { minBaskets: 1, limit: 10 }),
  };
}

describe('point in time', () => {
  /** The hand-checked lake with rows changed or added on and after the cut-off. */
  function withLaterRows(): LakeData {
    const data = handCheckedLake();
    return {
      ...data,
      transactions: [
        ...data.transactions.map((t) => (t.line_id === 'L7' ? { ...t, quantity: 50, unit_price: 99 } : t)),
        txn('L8', 'T7', 'C1', '2026-03-01 00:00:00', 'P2', 5, 20, null, 'online'),
        txn('L9', 'T8', 'C3', '2026-03-02 12:00:00', 'P1', -2, 10, 3, 'app'),
      ],
      contacts: [
        ...data.contacts,
        contact('K4', 'CMP2', 'C1', 'O2', 'sms', '2026-03-01 08:00:00', 'treatment', 20),
        contact('K5', 'CMP2', 'C3', 'O3', 'email', '2026-03-03 08:00:00', 'treatment', 0),
      ],
    };
  }

  it('scoring features as of the cut-off ignore rows on or after it', async () => {
    const before = await lake.rows(scoringSql);
    const after = await withLake(withLaterRows(), (l) => l.rows(scoringSql));
    expect(after).toEqual(before);
  });

  it('(the same comparison does see a change before the cut-off)', async () => {
    const data = handCheckedLake();
    data.transactions = data.transactions.map((t) => (t.line_id === 'L6' ? { ...t, quantity: 5 } : t));
    const changed = await withLake(data, (l) => l.rows(scoringSql));
    expect(changed).not.toEqual(await lake.rows(scoringSql));
  });

  /** K1's whole training row. */
  const k1 = async (l: Lake) => (await l.rows(trainingSql)).find((r) => r.contact_id === 'K1');

  it("a training row's features ignore rows on or after its send date", async () => {
    const data = handCheckedLake();
    data.transactions = [
      ...data.transactions.map((t) => (t.line_id === 'L1' ? { ...t, quantity: 9 } : t)),
      // Same day as the send, before the send time: after the row's as_of day starts.
      txn('L10', 'T10', 'C1', '2026-01-10 08:00:00', 'P1', 1, 10, null, 'online'),
    ];
    data.contacts = [
      ...data.contacts,
      contact('K6', 'CMP3', 'C1', 'O1', 'email', '2026-01-15 09:00:00', 'treatment', 10),
    ];
    const changed = await withLake(data, k1);
    expect(changed).toEqual(await k1(lake));
  });

  it("(and a row before its send date does change a training row's features)", async () => {
    const data = handCheckedLake();
    data.transactions = data.transactions.map((t) => (t.line_id === 'L3' ? { ...t, quantity: 2 } : t));
    expect(await withLake(data, k1)).not.toEqual(await k1(lake));
  });
});
