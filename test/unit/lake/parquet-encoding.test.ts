import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import type { StoredValue } from '#shared/domain/contracts/column';
import { contractFor, DATASET_NAMES, type DatasetName } from '#shared/domain/contracts/datasets';
import {
  athenaType,
  CURATED_ROOT,
  curatedMonthPrefix,
  curatedPartitionPrefix,
  type LakeColumn,
  lakeTableOf,
  lakeTables,
  monthPartitioner,
  monthPartitionOf,
} from '#shared/domain/lake/catalog';
import { ColumnBatchBuilder } from '#shared/domain/lake/column-batch';
import { encodeColumnBatch, encodeParquet } from '#shared/domain/lake/parquet-encoding';
import { readParquet } from './duckdb';

const COLUMNS: readonly LakeColumn[] = [
  { name: 's', storage: 'string', comment: '' },
  { name: 'i', storage: 'int', comment: '' },
  { name: 'd', storage: 'double', comment: '' },
  { name: 'b', storage: 'boolean', comment: '' },
  { name: 'dt', storage: 'date', comment: '' },
  { name: 'ts', storage: 'timestamp', comment: '' },
];

describe('encodeParquet read back with DuckDB', () => {
  it('gives each storage type its DuckDB type', async () => {
    const { types } = await readParquet(
      encodeParquet(COLUMNS, [{ s: 'x', i: 1, d: 1, b: true, dt: '2026-01-01', ts: 0 }]),
    );
    expect(types).toEqual({
      s: 'VARCHAR',
      i: 'INTEGER',
      d: 'DOUBLE',
      b: 'BOOLEAN',
      dt: 'DATE',
      ts: 'TIMESTAMP',
    });
  });

  it('round-trips every storage type, dates as calendar days and timestamps to the millisecond', async () => {
    // Prepare
    const rows: Record<string, StoredValue>[] = [
      {
        s: 'Grüße, "quoted"',
        i: 2147483647,
        d: 1.5,
        b: true,
        dt: '2024-02-29',
        ts: Date.UTC(2026, 2, 1, 14, 30, 5, 123),
      },
      { s: '', i: -2147483648, d: -0.1, b: false, dt: '1969-12-31', ts: -1 },
    ];
    // Act
    const { rows: back } = await readParquet(encodeParquet(COLUMNS, rows));
    // Assess
    expect(back).toEqual([
      {
        s: 'Grüße, "quoted"',
        i: 2147483647,
        d: 1.5,
        b: true,
        dt: '2024-02-29',
        ts: '2026-03-01 14:30:05.123',
      },
      { s: '', i: -2147483648, d: -0.1, b: false, dt: '1969-12-31', ts: '1969-12-31 23:59:59.999' },
    ]);
  });

  it('keeps nulls of every type, and reads an absent property as null', async () => {
    const { rows } = await readParquet(
      encodeParquet(COLUMNS, [{ s: null, i: null, d: null, b: null, dt: null, ts: null }, { s: 'only' }]),
    );
    expect(rows).toEqual([
      { s: null, i: null, d: null, b: null, dt: null, ts: null },
      { s: 'only', i: null, d: null, b: null, dt: null, ts: null },
    ]);
  });

  it('writes the columns in catalog order and ignores properties that are not columns', async () => {
    const columns = [COLUMNS[5], COLUMNS[0]].filter((c): c is LakeColumn => c !== undefined);
    const { rows, types } = await readParquet(encodeParquet(columns, [{ s: 'a', ts: 0, extra: 'x' }]));
    expect(Object.keys(types)).toEqual(['ts', 's']);
    expect(rows).toEqual([{ ts: '1970-01-01 00:00:00', s: 'a' }]);
  });

  it('encodes the epoch millis of a timestamp exactly', async () => {
    const millis = [0, 1, 86_399_999, Date.UTC(2099, 11, 31, 23, 59, 59, 999)];
    const bytes = encodeParquet(
      [COLUMNS[5]].filter((c): c is LakeColumn => c !== undefined),
      millis.map((ts) => ({ ts })),
    );
    const { rows } = await readParquet(bytes);
    expect(rows.map((r) => Date.parse(`${String(r.ts).replace(' ', 'T')}Z`))).toEqual(millis);
  });

  it('writes a table of every dataset with its catalog columns', async () => {
    for (const table of lakeTables) {
      const { types } = await readParquet(encodeParquet(table.columns, []));
      expect(Object.keys(types)).toEqual(table.columns.map((c) => c.name));
    }
  });
});

describe('encodeColumnBatch without a dictionary for some columns', () => {
  const table = lakeTableOf('transactions');
  const batch = () => {
    const builder = new ColumnBatchBuilder(table.columns);
    for (let i = 0; i < 2_000; i++) {
      builder.add({
        line_id: `L${i}`,
        transaction_id: `T${Math.floor(i / 3)}`,
        customer_id: i % 10 === 0 ? null : `C${i % 97}`,
        ts: Date.UTC(2026, 0, 1) + i * 60_000,
        product_id: `P${i % 13}`,
        quantity: (i % 4) + 1,
        unit_price: (i % 50) / 4,
        discount: i % 9 === 0 ? 0.5 : null,
        branch: i % 5 === 0 ? null : `B${i % 5}`,
        sales_channel: ['online', 'app', 'over_the_counter'][i % 3] ?? 'app',
      });
    }
    return builder.take();
  };
  const encodings = (bytes: Uint8Array) =>
    Object.fromEntries(
      (parquetMetadata(bytes.slice().buffer).row_groups[0]?.columns ?? []).map((c) => [
        c.meta_data?.path_in_schema.join('.'),
        c.meta_data?.encodings ?? [],
      ]),
    );

  it('writes the same schema and values, only the named column without a dictionary', async () => {
    const plain = encodeColumnBatch(table.columns, batch(), {
      withoutDictionary: ['line_id', 'not_a_column'],
    });
    const usual = encodeColumnBatch(table.columns, batch());
    const [a, b] = await Promise.all([readParquet(plain), readParquet(usual)]);
    expect(a.types).toEqual(b.types);
    expect(a.rows).toEqual(b.rows);
    const [withoutDictionary, withDictionary] = [encodings(plain), encodings(usual)];
    expect(withoutDictionary.line_id).not.toContain('RLE_DICTIONARY');
    expect(withDictionary.line_id).toContain('RLE_DICTIONARY');
    for (const name of ['transaction_id', 'product_id', 'sales_channel'])
      expect(withoutDictionary[name]).toEqual(withDictionary[name]);
  });
});

describe('lake catalog', () => {
  it('has one table per dataset with its contract columns, in contract order', () => {
    expect(lakeTables.map((t) => t.name)).toEqual(DATASET_NAMES);
    for (const table of lakeTables) {
      const contract = contractFor(table.name);
      expect(table.prefix).toBe(`${CURATED_ROOT}/${table.name}/`);
      expect(table.partitionKey).toBe('run_id');
      expect(table.columns).toEqual(
        contract.columns.map((c) => ({
          name: c.name,
          storage: c.storage,
          comment: c.description,
          required: c.required,
        })),
      );
    }
  });

  it('partitions the event datasets by the month of their required event time', () => {
    const partitioned = Object.fromEntries(
      lakeTables.flatMap((t) => (t.monthOf ? [[t.name, t.monthOf]] : [])),
    );
    expect(partitioned).toEqual({ transactions: 'ts', contacts: 'sent_at' });
    for (const [dataset, column] of Object.entries(partitioned)) {
      const declared = contractFor(dataset as DatasetName).columns.find((c) => c.name === column);
      expect(declared).toMatchObject({ storage: 'timestamp', required: true });
    }
  });

  it('never uses the partition key as a column name', () => {
    for (const table of lakeTables) expect(table.columns.map((c) => c.name)).not.toContain('run_id');
  });

  it('maps storage types to Athena types and builds the partition prefix', () => {
    expect(athenaType).toEqual({
      string: 'string',
      int: 'int',
      double: 'double',
      boolean: 'boolean',
      date: 'date',
      timestamp: 'timestamp',
    });
    expect(curatedPartitionPrefix('offers', 'r-1')).toBe('curated/offers/run_id=r-1/');
    expect(curatedMonthPrefix('transactions', 'r-1', '2026-02')).toBe(
      'curated/transactions/run_id=r-1/month=2026-02/',
    );
  });

  it('names the month of a timestamp as stored, wall clock, in UTC terms', () => {
    const table = lakeTableOf('transactions');
    expect(monthPartitionOf(table, { ts: Date.UTC(2026, 0, 31, 23, 59, 59, 999) })).toBe('2026-01');
    expect(monthPartitionOf(table, { ts: Date.UTC(2026, 1, 1) })).toBe('2026-02');
    expect(monthPartitionOf(lakeTableOf('offers'), { valid_from: '2026-01-01' })).toBeUndefined();
    expect(() => monthPartitionOf(table, { ts: null })).toThrow(/must be a timestamp/);
  });

  it('gives every row the month of its own timestamp, over more days than a partitioner remembers', () => {
    const monthOf = monthPartitioner(lakeTableOf('transactions'));
    let state = 7;
    for (let i = 0; i < 20_000; i++) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      const ts = Date.UTC(1990, 0, 1) + (state % 20_000) * 86_400_000 + (i % 86_400) * 1_000 - 43_200_000;
      const expected = new Date(ts).toISOString().slice(0, 7);
      if (monthOf({ ts }) !== expected) throw new Error(`${ts}: ${monthOf({ ts })}, not ${expected}`);
    }
  });
});
