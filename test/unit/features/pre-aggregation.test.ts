import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  categoryColumnSuffixes,
  featureQueries,
  LABEL_WINDOWS,
  loadSql,
  type QueryParameters,
  TRAINING_CONTACTS,
} from '#shared/domain/features/feature-queries';
import {
  AS_OF,
  byId,
  type Cell,
  contact,
  type Lake,
  type LakeData,
  type LakeRow,
  OTHER_RUN,
  PARAMS,
  txn,
  withLake,
} from './lake-fixture';

/**
 * The feature SQL aggregates the lines per customer and cut-off before the spine sees them, and
 * counts receipts and purchase days on narrow tables of their own. line-level-feature-ctes.sql
 * keeps the definition it replaced (every spine row joined to every line of its customer, with
 * COUNT(DISTINCT …) for receipts): both must give the same features on any lake, including the
 * odd ones valid data allows (a receipt over several days or branches, a receipt id two customers
 * share, lines without a branch, a category or a known product, purchases on the cut-off's eve).
 */

const CATEGORIES = ["Kid's Toys", 'Food', 'Garden'];

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`no value for ${match}`);
    return value;
  });
}

/** The feature CTEs as line-level-feature-ctes.sql defines them, rendered the way they were. */
function lineLevelCtes(p: QueryParameters, categories: readonly string[]): string {
  const suffixes = categoryColumnSuffixes(categories);
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  return render(readFileSync(new URL('./line-level-feature-ctes.sql', import.meta.url), 'utf8'), {
    run_id: p.runId,
    response_window_days: String(p.responseWindowDays),
    category_values: categories
      .map(
        (c, i) =>
          `,\n    SUM(CASE WHEN category = ${literal(c)} AND age_days < 365 THEN line_value ELSE 0 END) AS cat_value_${suffixes[i]}`,
      )
      .join(''),
    category_shares: suffixes
      .map(
        (s) =>
          `,\n    CASE WHEN ps.monetary_365 > 0 THEN greatest(COALESCE(ps.cat_value_${s}, 0), 0) / ps.monetary_365 ELSE 0 END AS cat_share_${s}`,
      )
      .join(''),
  });
}

const CUT_OFFS = ['2025-06-01', '2025-09-17', AS_OF];

/**
 * Each feature query next to the same query over the line-level CTEs, with its row key; the
 * training set also with the months its reads open bounded by the lake's send window.
 */
function queryPairs(sendWindow: {
  first: string;
  last: string;
}): { name: string; key: string; sql: string; reference: string }[] {
  const ctes = lineLevelCtes(PARAMS, CATEGORIES);
  const trainingReference = render(loadSql('training-set'), {
    run_id: PARAMS.runId,
    response_window_days: String(PARAMS.responseWindowDays),
    training_sample: render(loadSql('training-sample'), {
      run_id: PARAMS.runId,
      sample_contacts: String(TRAINING_CONTACTS),
    }),
    feature_ctes: ctes,
  });
  return [
    {
      name: 'trainingSetInSendWindow',
      key: 'contact_id',
      sql: featureQueries.trainingSet(PARAMS, CATEGORIES, sendWindow),
      reference: trainingReference,
    },
    {
      name: 'customerFeatures',
      key: 'customer_id',
      sql: featureQueries.customerFeatures(PARAMS, CATEGORIES),
      reference: render(loadSql('customer-features'), {
        run_id: PARAMS.runId,
        as_of: PARAMS.asOf,
        feature_ctes: ctes,
      }),
    },
    {
      name: 'trainingSet',
      key: 'contact_id',
      sql: featureQueries.trainingSet(PARAMS, CATEGORIES),
      reference: trainingReference,
    },
    {
      name: 'customerSnapshots',
      key: 'spine_id',
      sql: featureQueries.customerSnapshots(PARAMS, CUT_OFFS, CATEGORIES),
      reference: render(loadSql('customer-snapshots'), {
        run_id: PARAMS.runId,
        cut_off_rows: CUT_OFFS.map((d) => `  SELECT DATE '${d}' AS as_of`).join('\n  UNION ALL\n'),
        sample_customers: '1000',
        feature_ctes: ctes,
        first_cut_off_month: (CUT_OFFS[0] ?? AS_OF).slice(0, 7),
        churn_days: String(LABEL_WINDOWS.churnDays),
        value_days: String(LABEL_WINDOWS.valueDays),
        churn_last_offset: String(LABEL_WINDOWS.churnDays - 1),
        value_last_offset: String(LABEL_WINDOWS.valueDays - 1),
      }),
    },
  ];
}

/** A small deterministic generator (an LCG), so that a failing seed can be replayed. */
function randomLake(seed: number): LakeData {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)] as T;
  const pad = (n: number) => String(n).padStart(2, '0');
  const start = Date.UTC(2025, 0, 1);
  const at = (day: number, hour: number, minute = 0, second = 0) => {
    const d = new Date(start + day * 86_400_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
  };
  const cutOff = (Date.UTC(2026, 2, 1) - start) / 86_400_000;
  const customers: LakeRow[] = [];
  const transactions: LakeRow[] = [];
  const contacts: LakeRow[] = [];
  const responses: LakeRow[] = [];
  let lines = 0;
  let receipts = 0;
  let sent = 0;
  for (let c = 1; c <= 30; c++) {
    const customer = `C${c}`;
    customers.push({
      customer_id: customer,
      signup_date: at(Math.floor(random() * 400) - 100, 0).slice(0, 10),
      region: pick(['North', 'South']),
      consent_email: pick([true, false, null]),
    });
    for (let r = Math.floor(random() * 12); r > 0; r--) {
      const receipt = random() < 0.05 ? 'SHARED' : `T${++receipts}`;
      const noReceipt = random() < 0.03;
      // A third of the receipts around the cut-off, to probe its boundary.
      const day = random() < 0.3 ? cutOff - 3 + Math.floor(random() * 4) : Math.floor(random() * 480);
      const hour = pick([0, 9, 12, 23]);
      const branch = pick(['B1', 'B2', null]);
      const channel = pick(['online', 'app', 'over_the_counter', 'phone']);
      for (let l = 1 + Math.floor(random() * 4); l > 0; l--) {
        transactions.push({
          ...txn(
            `L${++lines}`,
            receipt,
            customer,
            // Some lines of a receipt on other days, at other branches or through other channels.
            at(
              random() < 0.15 ? day + pick([-40, -1, 1, 2, 100, 200]) : day,
              hour,
              pick([0, 59]),
              pick([0, 59]),
            ),
            pick(['P1', 'P2', 'P3', 'P4', 'P9']),
            pick([1, 2, 3, -1, 5]),
            pick([1.1, 2.55, 10, 0.3]),
            pick([null, 0, 0.5, 1.25]),
            random() < 0.1 ? pick(['online', 'app']) : channel,
          ),
          branch: random() < 0.1 ? pick(['B1', 'B2', 'B3', null]) : branch,
          ...(noReceipt ? { transaction_id: null } : {}),
        });
      }
    }
    for (let k = Math.floor(random() * 6); k > 0; k--) {
      const id = `K${++sent}`;
      const day = Math.floor(random() * 480);
      contacts.push(
        contact(
          id,
          'CMP',
          customer,
          'O1',
          pick(['email', 'sms', 'push', 'direct_mail']),
          at(day, pick([0, 9, 23])),
          pick(['treatment', 'treatment', 'control']),
          pick([null, 0, 10]),
        ),
      );
      if (random() < 0.5) {
        responses.push({
          contact_id: id,
          converted_at: at(day + pick([0, 5, 13, 14, 30]), pick([0, 10, 23])),
          revenue: pick([null, 10, 25.5]),
        });
      }
    }
  }
  // Another run's rows would change the features if a query read them.
  transactions.push({
    ...txn('X1', 'T1', 'C1', at(cutOff - 2, 10), 'P1', 100, 10, null, 'online'),
    branch: 'B9',
    run_id: OTHER_RUN,
  });
  return {
    customers,
    products: [
      { product_id: 'P1', category: 'Food', price: 10, unit_cost: 1, run_id: OTHER_RUN },
      { product_id: 'P1', category: 'Garden', price: 10, unit_cost: 6 },
      { product_id: 'P2', category: "Kid's Toys", price: 20, unit_cost: 15 },
      { product_id: 'P3', category: 'Food', price: 5, unit_cost: null },
      { product_id: 'P4', category: null, price: 7, unit_cost: 1 },
    ],
    transactions,
    contacts,
    responses,
  };
}

/** The branches of a spine row's year tied for the most lines and the last visit, if any. */
async function tiedBranches(lake: Lake, customer: unknown, asOf: string): Promise<boolean> {
  const rows = await lake.rows(
    `SELECT COUNT(*) AS lines, max(CAST(ts AS DATE)) AS last_day FROM transactions
     WHERE run_id = '${PARAMS.runId}' AND customer_id = '${String(customer)}' AND branch IS NOT NULL
       AND ts < TIMESTAMP '${asOf}' AND date_diff('day', CAST(ts AS DATE), DATE '${asOf}') < 365
     GROUP BY branch ORDER BY 1 DESC, 2 DESC LIMIT 2`,
  );
  const [first, second] = rows;
  return second !== undefined && first?.lines === second.lines && first?.last_day === second.last_day;
}

/** Cells of two result rows that differ; doubles may differ in the order they were summed. */
function differences(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const column of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[column] as Cell | undefined;
    const y = b[column] as Cell | undefined;
    const same =
      typeof x === 'number' && typeof y === 'number'
        ? Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x))
        : JSON.stringify(x) === JSON.stringify(y);
    if (!same) out.push(`${column}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  }
  return out;
}

describe('pre-aggregated features equal the line-level definition', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`on random lake ${seed}: same rows, order, types and values`, async () => {
      await withLake(randomLake(seed), async (lake) => {
        const [window] = await lake.rows(featureQueries.sendWindow(PARAMS));
        const sendWindow = { first: String(window?.first_send), last: String(window?.last_send) };
        for (const { name, key, sql, reference } of queryPairs(sendWindow)) {
          expect({ name, types: await lake.types(sql) }).toEqual({
            name,
            types: await lake.types(reference),
          });
          const rows = await lake.numericRows(sql);
          const expected = await lake.numericRows(reference);
          expect({ name, keys: rows.map((r) => r[key]) }).toEqual({
            name,
            keys: expected.map((r) => r[key]),
          });
          for (const [i, row] of rows.entries()) {
            const want = expected[i] ?? {};
            let diff = differences(row, want);
            // max_by picks any of two branches tied on lines and last visit, in both versions.
            if (diff.some((d) => d.startsWith('home_branch:'))) {
              const asOf = String(want.as_of ?? AS_OF).slice(0, 10);
              if (await tiedBranches(lake, want.customer_id, asOf))
                diff = diff.filter((d) => !d.startsWith('home_branch:'));
            }
            expect({ name, row: want[key], diff }).toEqual({ name, row: want[key], diff: [] });
          }
        }
      });
    });
  }
});

describe('receipts and purchase days', () => {
  // M1's receipts as of 2026-03-01: R1 bought on 2026-01-10 and again on 2026-02-25; R2 bought on
  // 2025-12-01 and took a return on 2026-02-20; R3 bought on 2025-06-01 and on 2026-02-27.
  const lake: LakeData = {
    customers: [{ customer_id: 'M1', signup_date: '2025-01-01', region: 'North' }],
    products: [{ product_id: 'P1', category: 'Garden', price: 10, unit_cost: 6 }],
    transactions: [
      txn('A1', 'R1', 'M1', '2026-01-10 10:00:00', 'P1', 1, 10, null, 'online'),
      txn('A2', 'R1', 'M1', '2026-02-25 10:00:00', 'P1', 1, 10, null, 'online'),
      txn('A3', 'R2', 'M1', '2025-12-01 10:00:00', 'P1', 2, 10, null, 'app'),
      txn('A4', 'R2', 'M1', '2026-02-20 10:00:00', 'P1', -1, 10, null, 'app'),
      txn('A5', 'R3', 'M1', '2025-06-01 10:00:00', 'P1', 1, 10, null, 'online'),
      txn('A6', 'R3', 'M1', '2026-02-27 10:00:00', 'P1', 1, 10, null, 'online'),
    ],
    contacts: [contact('K1', 'CMP1', 'M1', null, 'email', '2026-02-26 09:00:00', 'treatment', null)],
  };

  it('counts a receipt bought on several days once in each window it was bought in', async () => {
    const rows = await withLake(lake, (l) => l.numericRows(featureQueries.customerFeatures(PARAMS, [])));
    // 365 and 180 days: R1, R2, R3. 90 days: R1 (days 50 and 4 back) and R3 (2 back); R2's purchase
    // was 90 days back and its later line a return. 30 days: R1 and R3.
    expect(rows[0]).toMatchObject({ frequency_365: 3, frequency_180: 3, frequency_90: 2, frequency_30: 2 });
    // Purchase days 2025-06-01, 2025-12-01, 2026-01-10, 2026-02-25, 2026-02-27: gaps 183, 40, 46, 2.
    expect(rows[0]).toMatchObject({ recency_days: 2, inter_purchase_mean_days: 271 / 4 });
    expect(rows[0]?.basket_lines_mean).toBeCloseTo(5 / 3, 12);
  });

  it("counts only the purchase days before a training row's send date", async () => {
    const rows = await withLake(lake, (l) => l.numericRows(featureQueries.trainingSet(PARAMS, [])));
    // As of 2026-02-26: R1 (days 47 and 1 back), R2 (87 back); R3 only 270 days back.
    expect(byId(rows, 'contact_id').get('K1')).toMatchObject({
      frequency_365: 3,
      frequency_180: 2,
      frequency_90: 2,
      frequency_30: 1,
      recency_days: 1,
      inter_purchase_mean_days: (183 + 40 + 46) / 3,
    });
  });
});
