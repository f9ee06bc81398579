import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { StorageType } from '#shared/domain/contracts/column';
import type { DatasetName } from '#shared/domain/contracts/datasets';
import type { QueryParameters } from '#shared/domain/features/feature-queries';
import { lakeTables } from '#shared/domain/lake/catalog';
import { type Duck, openDuck } from '../lake/duckdb';

/**
 * The curated lake as the local Athena endpoint shows it to the feature SQL: one DuckDB table per
 * dataset with exactly the catalog's columns, typed like the Glue tables, plus `run_id` (and
 * `month` for event datasets), and the endpoint's session settings (Trino integer division, UTC).
 */

export const RUN = 'run_1';
export const OTHER_RUN = 'run_0';
export const AS_OF = '2026-03-01';
export const PARAMS: QueryParameters = { runId: RUN, asOf: AS_OF, responseWindowDays: 14 };

/** A cell as written in a test: dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS'. */
import { DUCKDB_TYPE } from '#infra/local/athena/lake-views';

export type Cell = string | number | boolean | null;
export type LakeRow = Record<string, Cell>;
/** Rows per dataset; a row without `run_id` belongs to RUN. */
export type LakeData = Partial<Record<DatasetName, readonly LakeRow[]>>;

export { DUCKDB_TYPE };

function literal(storage: StorageType, value: Cell | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  switch (storage) {
    case 'string':
      return quotedString(String(value));
    case 'date':
      return `DATE ${quotedString(String(value))}`;
    case 'timestamp':
      return `TIMESTAMP ${quotedString(String(value))}`;
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    default:
      if (typeof value !== 'number') throw new Error(`${String(value)} is not a number`);
      return String(value);
  }
}

export interface Lake extends Duck {
  /** Rows of a query, with every BIGINT/HUGEINT string turned into a number. */
  numericRows(sql: string): Promise<Record<string, unknown>[]>;
}

/** Opens a fresh in-memory lake holding `data`; close it when done. */
export async function openLake(data: LakeData, integerDivision = true): Promise<Lake> {
  const duck = await openDuck();
  await duck.connection.run(`SET integer_division = ${integerDivision}`);
  await duck.connection.run("SET TimeZone = 'UTC'");
  for (const table of lakeTables) {
    const columns = [
      ...table.columns.map((c) => ({ name: c.name, storage: c.storage })),
      { name: 'run_id', storage: 'string' as const },
    ];
    const ddl = columns.map((c) => `${quotedIdentifier(c.name)} ${DUCKDB_TYPE[c.storage]}`).join(', ');
    await duck.connection.run(`CREATE TABLE ${table.name} (${ddl})`);
    const rows = data[table.name] ?? [];
    for (const row of rows) {
      const unknown = Object.keys(row).filter((k) => !columns.some((c) => c.name === k));
      if (unknown.length > 0) throw new Error(`${table.name} has no column ${unknown.join(', ')}`);
      const values = columns.map((c) =>
        literal(c.storage, c.name === 'run_id' ? (row.run_id ?? RUN) : row[c.name]),
      );
      await duck.connection.run(`INSERT INTO ${table.name} VALUES (${values.join(', ')})`);
    }
    if (table.monthOf !== undefined) {
      // The month partition key, as intake derives it from the event time (UTC).
      await duck.connection.run(`ALTER TABLE ${table.name} ADD COLUMN month VARCHAR`);
      await duck.connection.run(
        `UPDATE ${table.name} SET month = strftime(${quotedIdentifier(table.monthOf)}, '%Y-%m')`,
      );
    }
  }
  return {
    ...duck,
    async numericRows(sql) {
      const types = await duck.types(sql);
      const rows = await duck.rows(sql);
      return rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k,
            (types[k] === 'BIGINT' || types[k] === 'HUGEINT') && typeof v === 'string' ? Number(v) : v,
          ]),
        ),
      );
    },
  };
}

/**
 * The hand-checked dataset. As of 2026-03-01:
 * - C1 (signed up 2025-01-01) bought T1 on 2026-02-20 (2 × 10 Garden online; 1 × 20 Kid's Toys
 *   online with 5 off), T2 on 2025-12-01 (1 × 20 Kid's Toys in the app), returned 1 × 10 Garden on
 *   2026-02-25 (T3, over the counter) and bought T4 on 2025-02-01 (3 × 5 Food, more than 365 days
 *   back). Contacted K1 (treatment, 2026-01-10) and K2 (treatment, 2025-10-01), converted on K1.
 * - C2 (signed up 2026-02-01) bought T5 at 2026-02-28 23:59:59 (4 × 5 Food online, 2 off) and T6
 *   exactly at the cut-off (excluded). Held out in K3 (control, 2026-01-10), converting on day 15.
 * - C3 (signed up 2026-02-15) has nothing else.
 * Rows of OTHER_RUN would change every result if a query read them.
 */
export function handCheckedLake(): Required<LakeData> {
  return {
    customers: [
      {
        customer_id: 'C1',
        signup_date: '2025-01-01',
        region: 'North',
        consent_email: true,
        consent_sms: false,
        consent_push: null,
        consent_direct_mail: true,
        consent_call_centre: null,
      },
      {
        customer_id: 'C2',
        signup_date: '2026-02-01',
        region: 'South',
        consent_email: false,
        consent_sms: true,
        consent_push: true,
      },
      { customer_id: 'C3', signup_date: '2026-02-15', region: 'North' },
      { customer_id: 'C1', signup_date: '2020-01-01', region: 'Old', consent_sms: true, run_id: OTHER_RUN },
      { customer_id: 'C0', signup_date: '2020-01-01', region: 'Old', run_id: OTHER_RUN },
    ],
    products: [
      { product_id: 'P1', category: 'Garden', price: 10, unit_cost: 6 },
      { product_id: 'P2', category: "Kid's Toys", price: 20, unit_cost: 15 },
      { product_id: 'P3', category: 'Food', price: 5, unit_cost: null },
      { product_id: 'P1', category: 'Food', price: 10, unit_cost: 1, run_id: OTHER_RUN },
    ],
    transactions: [
      txn('L1', 'T1', 'C1', '2026-02-20 10:00:00', 'P1', 2, 10, null, 'online'),
      txn('L2', 'T1', 'C1', '2026-02-20 10:00:00', 'P2', 1, 20, 5, 'online'),
      txn('L3', 'T2', 'C1', '2025-12-01 15:00:00', 'P2', 1, 20, null, 'app'),
      txn('L4', 'T3', 'C1', '2026-02-25 09:00:00', 'P1', -1, 10, null, 'over_the_counter'),
      txn('L5', 'T4', 'C1', '2025-02-01 12:00:00', 'P3', 3, 5, null, 'over_the_counter'),
      txn('L6', 'T5', 'C2', '2026-02-28 23:59:59', 'P3', 4, 5, 2, 'online'),
      txn('L7', 'T6', 'C2', '2026-03-01 00:00:00', 'P1', 1, 10, null, 'online'),
      { ...txn('L1', 'T1', 'C1', '2026-02-27 10:00:00', 'P1', 100, 10, null, 'online'), run_id: OTHER_RUN },
      { ...txn('L9', 'T9', 'C3', '2026-02-27 10:00:00', 'P2', 7, 20, null, 'app'), run_id: OTHER_RUN },
    ],
    offers: [
      offer('O1', 'Garden 10%', 'percent_off', 'Garden', 10, '2026-01-01', '2026-03-31', 100, {
        discount_levels: '5;10;20',
        eligibility: '{"min_recency_days":30}',
      }),
      offer('O2', 'Food deal', 'amount_off', 'Food', 20, '2026-02-01', '2026-02-28', null),
      offer('O3', 'Newsletter', 'informational', null, 0, '2026-01-01', '2026-12-31', null),
      { ...offer('O4', 'Old', 'upgrade', 'Garden', 5, '2020-01-01', '2020-12-31', 1), run_id: OTHER_RUN },
    ],
    channels: [
      { channel_id: 'sms', cost_per_contact: 0.05, capacity_per_day: 2000 },
      { channel_id: 'email', cost_per_contact: 0.01, capacity_per_day: 10000, send_window_start: '08:00' },
      { channel_id: 'push', cost_per_contact: 0.001, capacity_per_day: 1, run_id: OTHER_RUN },
    ],
    contacts: [
      contact('K1', 'CMP1', 'C1', 'O1', 'email', '2026-01-10 09:00:00', 'treatment', 10),
      contact('K2', 'CMP0', 'C1', 'O1', 'sms', '2025-10-01 09:00:00', 'treatment', 10),
      contact('K3', 'CMP1', 'C2', null, null, '2026-01-10 09:00:00', 'control', null),
      {
        ...contact('K9', 'CMP9', 'C1', 'O4', 'email', '2026-02-27 09:00:00', 'treatment', 5),
        run_id: OTHER_RUN,
      },
    ],
    responses: [
      {
        contact_id: 'K1',
        opened_at: '2026-01-10 10:00:00',
        converted_at: '2026-01-23 12:00:00',
        revenue: 40,
      },
      { contact_id: 'K3', converted_at: '2026-01-24 10:00:00', revenue: 30 },
      { contact_id: 'K2', converted_at: '2025-10-02 10:00:00', revenue: 1000, run_id: OTHER_RUN },
    ],
  };
}

export function txn(
  line_id: string,
  transaction_id: string,
  customer_id: string,
  ts: string,
  product_id: string,
  quantity: number,
  unit_price: number,
  discount: number | null,
  sales_channel: string,
): LakeRow {
  return {
    line_id,
    transaction_id,
    customer_id,
    ts,
    product_id,
    quantity,
    unit_price,
    discount,
    sales_channel,
  };
}

export function contact(
  contact_id: string,
  campaign_id: string,
  customer_id: string,
  offer_id: string | null,
  channel_id: string | null,
  sent_at: string,
  group: 'treatment' | 'control',
  discount_pct: number | null,
): LakeRow {
  return { contact_id, campaign_id, customer_id, offer_id, channel_id, sent_at, group, discount_pct };
}

function offer(
  offer_id: string,
  name: string,
  kind: string,
  target_category: string | null,
  discount_pct: number,
  valid_from: string,
  valid_to: string,
  max_volume: number | null,
  terms: { discount_levels?: string; eligibility?: string } = {},
): LakeRow {
  return {
    offer_id,
    name,
    kind,
    target_category,
    discount_pct,
    valid_from,
    valid_to,
    max_volume,
    discount_levels: terms.discount_levels ?? null,
    eligibility: terms.eligibility ?? null,
  };
}

/** The categories topCategories returns for the hand-checked lake, by revenue. */
export const CATEGORIES = ["Kid's Toys", 'Food', 'Garden'] as const;

/** Runs `use` on a lake of `data`, closing it afterwards. */
export async function withLake<T>(data: LakeData, use: (lake: Lake) => Promise<T>): Promise<T> {
  const other = await openLake(data);
  try {
    return await use(other);
  } finally {
    other.close();
  }
}

/** Rows keyed by one of their columns. */
export const byId = <R extends Record<string, unknown>>(rows: R[], column: string): Map<unknown, R> =>
  new Map(rows.map((r) => [r[column], r]));
