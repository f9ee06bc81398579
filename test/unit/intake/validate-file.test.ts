import { Readable } from 'node:stream';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { type ManifestFile, manifestFile } from '#shared/domain/contracts/manifest';
import { BatchRules } from '#shared/domain/intake/batch-rules';
import type { S3Ref } from '#shared/domain/runs/run-state';
import { ObjectChangedError, type ObjectWriter, type VersionedRef } from '#shared/ports/object-store';
import { type FileValidation, validateFile } from '#shared/use-cases/intake/validate-file';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';
import { csvText, LIMITS, RECEIVED_AT, sha256, type Table, validTables } from './batch-fixture';
import { parquetBytes } from './readers/parquet-fixture';

const tables = validTables();

/** Batch rules that have seen the customers and products of the fixture batch. */
function rulesWithCatalog(): BatchRules {
  const rules = new BatchRules({ receivedAt: RECEIVED_AT });
  for (const id of ['C1', 'C2', 'C3']) rules.accept('customers', { customer_id: id }, 1);
  for (const id of ['P1', 'P2']) rules.accept('products', { product_id: id }, 1);
  return rules;
}

function transactionsJob(store: InMemoryObjectStore, table: Table): FileValidation {
  const text = csvText(table);
  const version = store.put('in', 'incoming/p/b/transactions.csv', text);
  return {
    source: { bucket: 'in', key: 'incoming/p/b/transactions.csv', version },
    file: manifestFile.parse({
      dataset: 'transactions',
      key: 'transactions.csv',
      format: 'csv',
      rows: table.rows.length,
      sha256: sha256(text),
    }),
    runId: 'r1',
    lakeBucket: 'lake',
    quarantinePrefix: 'quarantine/p/b/r1/',
  };
}

const row = (line: string, customer: string, ts: string) => [
  line,
  'T',
  customer,
  ts,
  'P1',
  '1',
  '10',
  '',
  '',
  'online',
];

describe('validateFile', () => {
  it('returns the latest timestamp of the accepted rows only', async () => {
    // Prepare
    const store = new InMemoryObjectStore();
    const table: Table = {
      header: tables.transactions.header,
      rows: [
        row('L1', 'C1', '2026-02-10T08:00'),
        row('L2', 'C1', '2026-02-20T08:00+01:00'),
        row('L3', 'C9', '2026-02-25T08:00'),
        row('L4', 'C2', '2026-02-05T08:00'),
      ],
    };
    // Act
    const outcome = await validateFile(transactionsJob(store, table), {
      store,
      rules: rulesWithCatalog(),
      limits: LIMITS,
    });
    // Assess
    expect(outcome).toEqual({
      ok: true,
      accounts: [
        {
          dataset: 'transactions',
          key: 'transactions.csv',
          rowsIn: 4,
          accepted: 3,
          rejected: 1,
          quarantine: { bucket: 'lake', key: 'quarantine/p/b/r1/transactions.jsonl' },
          exceptions: [
            { rule: 'unknown_customer', column: 'customer_id', outcome: 'rejected', rows: 1, firstLine: 4 },
          ],
        },
      ],
      maxTimestamp: Date.UTC(2026, 1, 20, 7),
    });
    expect(store.keys('lake')).toEqual([
      'curated/transactions/run_id=r1/month=2026-02/part-00000.parquet',
      'quarantine/p/b/r1/transactions.jsonl',
    ]);
  });

  it('registers accepted ids with the batch rules, so later files can point at them', async () => {
    const store = new InMemoryObjectStore();
    const rules = rulesWithCatalog();
    await validateFile(transactionsJob(store, tables.transactions), { store, rules, limits: LIMITS });
    expect(rules.check('transactions', { line_id: 'L1' }).map((i) => i.rule)).toEqual(['duplicate_id']);
    expect(rules.check('transactions', { line_id: 'L99' })).toEqual([]);
  });

  it('passes on a read failure mid-file and leaves no partial quarantine object', async () => {
    // Prepare: the object's stream breaks once the refused row has opened the quarantine writer.
    class BrokenStore extends InMemoryObjectStore {
      private release: () => void = () => undefined;
      private readonly writerOpened = new Promise<void>((resolve) => {
        this.release = resolve;
      });

      public override openWriter(ref: S3Ref, contentType: string): ObjectWriter {
        const writer = super.openWriter(ref, contentType);
        this.release();
        return writer;
      }

      public override async read(_ref: VersionedRef): Promise<Readable> {
        // csv-parse holds a record back until it sees the next bytes, hence the partial line after it.
        const head = `${csvText({ header: tables.transactions.header, rows: [row('L1', 'C9', '2026-02-10T08:00')] })}L2,`;
        const opened = this.writerOpened;
        let sent = false;
        return new Readable({
          read() {
            if (!sent) {
              sent = true;
              this.push(head);
              return;
            }
            void opened.then(() => this.destroy(new Error('connection reset')));
          },
        });
      }
    }
    const store = new BrokenStore();
    const job = transactionsJob(store, tables.transactions);
    // Act / Assess
    await expect(validateFile(job, { store, rules: rulesWithCatalog(), limits: LIMITS })).rejects.toThrow(
      'connection reset',
    );
    expect(store.calls.filter((c) => c.op === 'openWriter').map((c) => c.key)).toEqual([
      'quarantine/p/b/r1/transactions.jsonl',
    ]);
    expect(store.keys('lake')).toEqual([]);
  });
});

/** Uploads a file of the products dataset in any format and the job that validates it. */
function productsJob(
  store: InMemoryObjectStore,
  key: string,
  bytes: string | Uint8Array,
  entry: Partial<ManifestFile> & { rows: number },
): FileValidation {
  const version = store.put('in', `incoming/p/b/${key}`, bytes);
  return {
    source: { bucket: 'in', key: `incoming/p/b/${key}`, version },
    file: manifestFile.parse({ dataset: 'products', key, sha256: sha256(bytes), ...entry }),
    runId: 'r1',
    lakeBucket: 'lake',
    quarantinePrefix: 'quarantine/p/b/r1/',
  };
}

async function curatedRows(store: InMemoryObjectStore, dataset: string): Promise<Record<string, unknown>[]> {
  const bytes = store.get('lake', `curated/${dataset}/run_id=r1/part-00000.parquet`);
  if (!bytes) throw new Error(`no curated part for ${dataset}`);
  return parquetReadObjects({ file: new Uint8Array(bytes).buffer });
}

const PRODUCT_ROWS = [
  { product_id: 'P1', category: 'Garden', subcategory: 'Tools', price: 10, unit_cost: 6 },
  { product_id: 'P2', category: 'Toys', subcategory: null, price: 20.5, unit_cost: null },
];

describe('validateFile: JSON Lines and Parquet', () => {
  it('curates a JSON Lines file and quarantines its broken line with the line and the text', async () => {
    const store = new InMemoryObjectStore(7);
    const text = `${JSON.stringify(PRODUCT_ROWS[0])}\n{"product_id": "P3", "price": \n\n${JSON.stringify(PRODUCT_ROWS[1])}\n`;
    const job = productsJob(store, 'products.jsonl', text, { format: 'jsonl', rows: 3 });
    const outcome = await validateFile(job, {
      store,
      rules: new BatchRules({ receivedAt: RECEIVED_AT }),
      limits: LIMITS,
    });
    expect(outcome).toEqual({
      ok: true,
      accounts: [
        {
          dataset: 'products',
          key: 'products.jsonl',
          rowsIn: 3,
          accepted: 2,
          rejected: 1,
          quarantine: { bucket: 'lake', key: 'quarantine/p/b/r1/products.jsonl' },
          exceptions: [{ rule: 'json', column: '*', outcome: 'rejected', rows: 1, firstLine: 2 }],
        },
      ],
    });
    expect(await curatedRows(store, 'products')).toEqual(PRODUCT_ROWS);
    const [quarantined] = (store.text('lake', 'quarantine/p/b/r1/products.jsonl') ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantined).toMatchObject({
      file: 'products.jsonl',
      line: 2,
      record: {},
      issues: [{ column: '*', rule: 'json', value: '{"product_id": "P3", "price": ' }],
    });
  });

  it('curates a Parquet file read by range, sizing it with a head pinned to its version', async () => {
    const store = new InMemoryObjectStore(64);
    const bytes = parquetBytes({
      columnData: [
        { name: 'product_id', data: ['P1', 'P2'] },
        { name: 'category', data: ['Garden', 'Toys'] },
        { name: 'subcategory', data: ['Tools', null] },
        { name: 'price', data: [10, 20.5] },
        { name: 'unit_cost', data: [6, null] },
      ],
    });
    const job = productsJob(store, 'products.parquet', bytes, { format: 'parquet', rows: 2 });
    const outcome = await validateFile(job, {
      store,
      rules: new BatchRules({ receivedAt: RECEIVED_AT }),
      limits: LIMITS,
    });
    expect(outcome).toEqual({
      ok: true,
      accounts: [{ dataset: 'products', key: 'products.parquet', rowsIn: 2, accepted: 2, rejected: 0 }],
    });
    expect(await curatedRows(store, 'products')).toEqual(PRODUCT_ROWS);
    const reads = store.calls.filter((c) => c.bucket === 'in');
    expect(reads.map((c) => c.op)).toEqual(['head', 'readRange', 'readRange', 'read', 'readRange']);
    expect(reads.filter((c) => c.op !== 'head').every((c) => c.version === job.source.version)).toBe(true);
  });

  it('does not head a Parquet file whose size the job already knows', async () => {
    const store = new InMemoryObjectStore();
    const bytes = parquetBytes({
      columnData: [
        { name: 'product_id', data: ['P1'] },
        { name: 'category', data: ['Garden'] },
        { name: 'price', data: [10] },
      ],
    });
    const job = {
      ...productsJob(store, 'p.parquet', bytes, { format: 'parquet', rows: 1 }),
      size: bytes.length,
    };
    const outcome = await validateFile(job, {
      store,
      rules: new BatchRules({ receivedAt: RECEIVED_AT }),
      limits: LIMITS,
    });
    expect(outcome.ok).toBe(true);
    expect(store.calls.some((c) => c.op === 'head')).toBe(false);
  });

  it("refuses a Parquet file overwritten before its size was read with rule 'file_changed'", async () => {
    const store = new InMemoryObjectStore();
    const bytes = parquetBytes({ columnData: [{ name: 'product_id', data: ['P1'] }] });
    const job = productsJob(store, 'p.parquet', bytes, { format: 'parquet', rows: 1 });
    store.put('in', 'incoming/p/b/p.parquet', 'new bytes');
    const outcome = await validateFile(job, {
      store,
      rules: new BatchRules({ receivedAt: RECEIVED_AT }),
      limits: LIMITS,
    });
    expect(outcome).toMatchObject({
      ok: false,
      accounts: [{ rowsIn: 0, accepted: 0, rejected: 0 }],
      rejection: { file: 'p.parquet', rule: 'file_changed' },
    });
    expect(store.calls.filter((c) => c.op !== 'head')).toEqual([]);
  });

  it("refuses a file that changes while its rows are read with rule 'file_changed', keeping the account", async () => {
    class ChangingStore extends InMemoryObjectStore {
      public ranges = 0;
      public override async readRange(ref: VersionedRef, start: number, end: number): Promise<Uint8Array> {
        this.ranges += 1;
        // The magic bytes and the footer read fine; the first row group's read finds a new version.
        if (this.ranges > 2) throw new ObjectChangedError(ref);
        return super.readRange(ref, start, end);
      }
    }
    const store = new ChangingStore();
    const bytes = parquetBytes({
      columnData: [
        { name: 'product_id', data: ['P1'] },
        { name: 'category', data: ['Garden'] },
        { name: 'price', data: [10] },
      ],
    });
    const job = productsJob(store, 'p.parquet', bytes, { format: 'parquet', rows: 1 });
    const outcome = await validateFile(job, {
      store,
      rules: new BatchRules({ receivedAt: RECEIVED_AT }),
      limits: LIMITS,
    });
    expect(outcome).toMatchObject({ ok: false, rejection: { file: 'p.parquet', rule: 'file_changed' } });
    expect(store.keys('lake')).toEqual([]);
  });

  it('reports unknown columns once for the file and keeps them out of curated data and quarantine', async () => {
    const store = new InMemoryObjectStore();
    const table: Table = {
      header: [...tables.products.header, 'internal_note', 'supplier'],
      rows: [
        [...(tables.products.rows[0] ?? []), 'secret', 'ACME'],
        ['P2', 'Toys', '', '-1', '', 'secret', 'ACME'],
      ],
    };
    const text = csvText(table);
    const job = productsJob(store, 'products.csv', text, { rows: 2 });
    const outcome = await validateFile(job, {
      store,
      rules: new BatchRules({ receivedAt: RECEIVED_AT }),
      limits: LIMITS,
    });
    expect(outcome).toMatchObject({ ok: true, unknownColumns: ['internal_note', 'supplier'] });
    expect(Object.keys((await curatedRows(store, 'products'))[0] ?? {})).toEqual([
      'product_id',
      'category',
      'subcategory',
      'price',
      'unit_cost',
    ]);
    expect(store.text('lake', 'quarantine/p/b/r1/products.jsonl')).not.toContain('secret');
  });
});
