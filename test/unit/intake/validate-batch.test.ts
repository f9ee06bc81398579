import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DatasetName } from '#shared/domain/contracts/datasets';
import type { QuarantinedRow } from '#shared/domain/intake/row-issues';
import type { Rejection, RunState, ValidateOutput } from '#shared/domain/runs/run-state';
import type { IntakeLimits } from '#shared/use-cases/intake/validate-file';
import { quarantinePrefix, validateBatch } from '#shared/use-cases/validate-batch';
import { contentVersion, InMemoryObjectStore } from '../../support/in-memory-object-store';
import { readParquet } from '../lake/duckdb';
import {
  BATCH_ID,
  type BatchSpec,
  buildBatch,
  csvText,
  INCOMING_BUCKET,
  LAKE_BUCKET,
  LIMITS,
  PARTNER,
  RecordingRunRepository,
  RUN_ID,
  sha256,
  type Table,
  uploadBatch,
  validTables,
} from './batch-fixture';

interface Ran {
  readonly output: ValidateOutput;
  readonly counts: Record<string, number> | undefined;
  readonly store: InMemoryObjectStore;
  readonly runs: RecordingRunRepository;
  readonly state: RunState;
}

interface RunOptions {
  readonly limits?: Partial<IntakeLimits>;
  readonly folder?: { partner: string; batchId: string };
  /** Called once the batch is uploaded, before the run starts. */
  readonly prepare?: (store: InMemoryObjectStore) => void;
}

/** Uploads the batch and validates it, streaming every object in 16-byte chunks. */
async function run(spec: BatchSpec = {}, options: RunOptions = {}): Promise<Ran> {
  // Prepare
  const store = new InMemoryObjectStore(16);
  const runs = new RecordingRunRepository();
  const state = uploadBatch(store, buildBatch(spec), options.folder);
  options.prepare?.(store);
  // Act
  const result = await validateBatch(state, {
    store,
    runs,
    lakeBucket: LAKE_BUCKET,
    limits: { ...LIMITS, ...options.limits },
  });
  return { output: result.output, counts: result.counts, store, runs, state };
}

function rejectionOf(ran: Ran): Rejection {
  expect(ran.output.status).toBe('REJECTED');
  if (!ran.output.rejection) throw new Error('a REJECTED output carries its rejection');
  return ran.output.rejection;
}

const tables = validTables();
const withRows = (dataset: DatasetName, rows: readonly (readonly string[])[]): Table => ({
  header: tables[dataset].header,
  rows,
});
const withoutColumn = (dataset: DatasetName, name: string): Table => {
  const at = tables[dataset].header.indexOf(name);
  return {
    header: tables[dataset].header.filter((_, i) => i !== at),
    rows: tables[dataset].rows.map((r) => r.filter((_, i) => i !== at)),
  };
};

const fileKey = (file: string) => `incoming/${PARTNER}/${BATCH_ID}/${file}`;
/** A curated part's key; event datasets (transactions, contacts) sit in a month partition too. */
const partKey = (dataset: DatasetName, part = 0, month?: string) =>
  `curated/${dataset}/run_id=${RUN_ID}/${month ? `month=${month}/` : ''}part-${String(part).padStart(5, '0')}.parquet`;

/** Every curated row of a dataset, its parts read in key order. */
async function curatedRows(
  store: InMemoryObjectStore,
  dataset: DatasetName,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of store.keys(LAKE_BUCKET, `curated/${dataset}/`))
    rows.push(...(await readParquet(store.get(LAKE_BUCKET, key) ?? new Uint8Array())).rows);
  return rows;
}
const quarantineKey = (dataset: DatasetName) =>
  `quarantine/${PARTNER}/${BATCH_ID}/${RUN_ID}/${dataset}.jsonl`;

function quarantined(store: InMemoryObjectStore, dataset: DatasetName): QuarantinedRow[] {
  const text = store.text(LAKE_BUCKET, quarantineKey(dataset));
  if (text === undefined) throw new Error(`no quarantine file for ${dataset}`);
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as QuarantinedRow);
}

const GOOD_TRANSACTIONS = tables.transactions.rows;
const BAD_TRANSACTION = ['L9', 'T9', 'C9', '2026-02-01T10:00', 'P1', '1', '10', '', '', 'online'];

describe('validateBatch: an accepted batch', () => {
  it('accepts a consistent batch and accounts for every file in validation order', async () => {
    const ran = await run();

    expect(ran.output).toEqual({
      status: 'ACCEPTED',
      asOf: '2026-02-28',
      files: [
        { dataset: 'customers', key: 'customers.csv', rowsIn: 3, accepted: 3, rejected: 0 },
        { dataset: 'products', key: 'products.csv', rowsIn: 2, accepted: 2, rejected: 0 },
        { dataset: 'offers', key: 'offers.csv', rowsIn: 2, accepted: 2, rejected: 0 },
        { dataset: 'channels', key: 'channels.csv', rowsIn: 2, accepted: 2, rejected: 0 },
        { dataset: 'transactions', key: 'transactions.csv', rowsIn: 4, accepted: 4, rejected: 0 },
        { dataset: 'contacts', key: 'contacts.csv', rowsIn: 3, accepted: 3, rejected: 0 },
        { dataset: 'responses', key: 'responses.csv', rowsIn: 1, accepted: 1, rejected: 0 },
      ],
      qualityReport: { bucket: LAKE_BUCKET, key: `runs/${RUN_ID}/quality/report.json` },
    });
    expect(ran.counts).toEqual({ files: 7, rowsIn: 17, accepted: 17, rejected: 0 });
  });

  it('records the file accounts on the run, once', async () => {
    const ran = await run();
    expect(ran.runs.recordedFiles).toEqual([{ runId: RUN_ID, files: ran.output.files }]);
  });

  it('writes curated Parquet under the run partition, event datasets by month, and no quarantine', async () => {
    const ran = await run();
    const expected = [
      partKey('channels'),
      partKey('contacts', 0, '2026-02'),
      partKey('customers'),
      partKey('offers'),
      partKey('products'),
      partKey('responses'),
      partKey('transactions', 0, '2026-01'),
      partKey('transactions', 1, '2026-02'),
    ];
    expect(ran.store.keys(LAKE_BUCKET)).toEqual([
      `batches/${PARTNER}/${BATCH_ID}/manifests/${RUN_ID}.json`,
      ...expected,
      `runs/${RUN_ID}/quality/report.html`,
      `runs/${RUN_ID}/quality/report.json`,
    ]);
    const writes = ran.store.calls.filter((c) => c.op === 'write' && c.key.startsWith('curated/'));
    expect(writes).toHaveLength(expected.length);
    expect(
      writes.every((w) => w.bucket === LAKE_BUCKET && w.contentType === 'application/vnd.apache.parquet'),
    ).toBe(true);
    expect(ran.store.calls.some((c) => c.op === 'openWriter')).toBe(false);
  });

  it('reads the manifest and every file pinned to the version it started with', async () => {
    const ran = await run();
    const batch = buildBatch();
    const reads = ran.store.calls.filter((c) => c.op === 'read' || c.op === 'readText');
    const order: DatasetName[] = [
      'customers',
      'products',
      'offers',
      'channels',
      'transactions',
      'contacts',
      'responses',
    ];
    expect(reads).toEqual([
      {
        op: 'readText',
        bucket: INCOMING_BUCKET,
        key: ran.state.batch.manifestKey,
        version: contentVersion(batch.manifestText),
      },
      ...order.map((dataset) => {
        const file = batch.files.find((f) => f.dataset === dataset);
        if (!file) throw new Error(dataset);
        return {
          op: 'read',
          bucket: INCOMING_BUCKET,
          key: fileKey(file.key),
          version: contentVersion(file.bytes),
        };
      }),
    ]);
    // Every listed file is checked for existence before the first file is read.
    const ops = ran.store.calls.map((c) => c.op);
    expect(ops.lastIndexOf('head')).toBeLessThan(ops.indexOf('read'));
    expect(ops.filter((o) => o === 'head')).toHaveLength(7);
  });

  it('writes the accepted rows, typed, holding at most partRows rows across months', async () => {
    const ran = await run({}, { limits: { partRows: 3 } });

    // L1, L2 (January) and L3 (February) fill the buffer: the fuller month, January, is written.
    expect(ran.store.keys(LAKE_BUCKET, 'curated/transactions/')).toEqual([
      partKey('transactions', 0, '2026-01'),
      partKey('transactions', 1, '2026-02'),
    ]);
    // Three customers fill exactly one part: no empty second part.
    expect(ran.store.keys(LAKE_BUCKET, 'curated/customers/')).toEqual([partKey('customers', 0)]);

    const first = await readParquet(
      ran.store.get(LAKE_BUCKET, partKey('transactions', 0, '2026-01')) ?? new Uint8Array(),
    );
    const second = await readParquet(
      ran.store.get(LAKE_BUCKET, partKey('transactions', 1, '2026-02')) ?? new Uint8Array(),
    );
    expect(first.rows.map((r) => r.line_id)).toEqual(['L1', 'L2']);
    expect(second.rows.map((r) => r.line_id)).toEqual(['L3', 'L4']);
    expect(second.rows[1]).toEqual({
      line_id: 'L4',
      transaction_id: 'T3',
      customer_id: 'C1',
      ts: '2026-02-27 18:30:00',
      product_id: 'P1',
      quantity: -1,
      unit_price: 10,
      discount: null,
      branch: 'B1',
      sales_channel: 'app',
    });
    expect(first.types).toMatchObject({ ts: 'TIMESTAMP', quantity: 'INTEGER', unit_price: 'DOUBLE' });
  });

  it('takes asOf from the manifest when it has one', async () => {
    const ran = await run({ manifest: { asOf: '2026-02-15' } });
    expect(ran.output.asOf).toBe('2026-02-15');
  });

  it('derives asOf as the UTC day after the last transaction, offsets applied', async () => {
    // 23:30 at UTC-2 is 01:30 UTC on 2026-02-28, later than the other lines.
    const late = ['L5', 'T4', 'C2', '2026-02-27T23:30:00-02:00', 'P2', '1', '20', '', '', 'online'];
    const ran = await run({
      files: { transactions: { table: withRows('transactions', [...GOOD_TRANSACTIONS, late]) } },
    });
    expect(ran.output.asOf).toBe('2026-03-01');
  });

  it('accepts a batch with a header-only responses file', async () => {
    const ran = await run({ files: { responses: { table: withRows('responses', []) } } });
    expect(ran.output.status).toBe('ACCEPTED');
    expect(ran.output.files.at(-1)).toEqual({
      dataset: 'responses',
      key: 'responses.csv',
      rowsIn: 0,
      accepted: 0,
      rejected: 0,
    });
    expect(ran.store.keys(LAKE_BUCKET, 'curated/responses/')).toEqual([]);
  });

  it('accepts gzip files, a custom delimiter, CRLF and unknown columns', async () => {
    const crlf = csvText(tables.offers, ',', '\r\n');
    const extra: Table = {
      header: [...tables.channels.header, 'internal_note'],
      rows: tables.channels.rows.map((r) => [...r, 'ignore me']),
    };
    const ran = await run({
      files: {
        transactions: { compression: 'gzip' },
        customers: { delimiter: ';' },
        offers: { bytes: crlf },
        channels: { table: extra },
      },
    });
    expect(ran.output.status).toBe('ACCEPTED');
    expect(ran.output.files.map((f) => [f.key, f.accepted])).toEqual([
      ['customers.csv', 3],
      ['products.csv', 2],
      ['offers.csv', 2],
      ['channels.csv', 2],
      ['transactions.csv.gz', 4],
      ['contacts.csv', 3],
      ['responses.csv', 1],
    ]);
  });

  // checkHeader lets a file leave out optional columns, but every row of such a file is then
  // refused with rule 'invalid_type' (see row-validator.test.ts), so the batch fails on error_rate.
  it('accepts a file that leaves out optional columns', async () => {
    const ran = await run({ files: { products: { table: withoutColumn('products', 'subcategory') } } });
    expect(ran.output.rejection).toBeUndefined();
    expect(ran.output.files.find((f) => f.dataset === 'products')).toMatchObject({
      accepted: 2,
      rejected: 0,
    });
  });
});

describe('validateBatch: refused rows', () => {
  const withBadRows = () => {
    // Later than every accepted line: a refused row must not move asOf.
    const unknownCustomer = ['L5', 'T4', 'C9', '2026-02-28T10:00', 'P1', '1', '10', '', '', 'online'];
    const badCells = ['L6', 'T4', 'C1', '2026-02-30T10:00', 'P1', '0', '10', '', '', 'shop'];
    return {
      files: {
        transactions: { table: withRows('transactions', [...GOOD_TRANSACTIONS, unknownCustomer, badCells]) },
      },
    };
  };

  it('accepts the batch while the share of refused rows is within the limit, accounting rowsIn = accepted + rejected', async () => {
    const ran = await run(withBadRows());
    expect(ran.output.status).toBe('ACCEPTED');
    expect(ran.output.asOf).toBe('2026-02-28');
    expect(ran.output.files.find((f) => f.dataset === 'transactions')).toEqual({
      dataset: 'transactions',
      key: 'transactions.csv',
      rowsIn: 6,
      accepted: 4,
      rejected: 2,
      quarantine: { bucket: LAKE_BUCKET, key: quarantineKey('transactions') },
      // Every issue counts once for its rule and column; line 7 broke two rules.
      exceptions: [
        { rule: 'unknown_customer', column: 'customer_id', outcome: 'rejected', rows: 1, firstLine: 6 },
        { rule: 'iso_timestamp', column: 'ts', outcome: 'rejected', rows: 1, firstLine: 7 },
        { rule: 'allowed_values', column: 'sales_channel', outcome: 'rejected', rows: 1, firstLine: 7 },
      ],
    });
    expect(ran.counts).toEqual({ files: 7, rowsIn: 19, accepted: 17, rejected: 2 });
    expect(ran.runs.recordedFiles[0]?.files).toEqual(ran.output.files);
  });

  it('quarantines each refused row with its line, every issue and the raw record', async () => {
    const ran = await run(withBadRows());
    expect(quarantined(ran.store, 'transactions')).toEqual([
      {
        file: 'transactions.csv',
        line: 6,
        issues: [
          {
            column: 'customer_id',
            value: 'C9',
            rule: 'unknown_customer',
            message: 'customer_id C9 is not in customers',
          },
        ],
        record: {
          line_id: 'L5',
          transaction_id: 'T4',
          customer_id: 'C9',
          ts: '2026-02-28T10:00',
          product_id: 'P1',
          quantity: '1',
          unit_price: '10',
          discount: '',
          branch: '',
          sales_channel: 'online',
        },
      },
      {
        file: 'transactions.csv',
        line: 7,
        issues: [
          {
            column: 'ts',
            value: '2026-02-30T10:00',
            rule: 'iso_timestamp',
            message: 'must be an ISO 8601 timestamp such as 2026-03-01T14:30:00',
          },
          {
            column: 'sales_channel',
            value: 'shop',
            rule: 'allowed_values',
            message: 'must be one of online, over_the_counter, app',
          },
        ],
        record: {
          line_id: 'L6',
          transaction_id: 'T4',
          customer_id: 'C1',
          ts: '2026-02-30T10:00',
          product_id: 'P1',
          quantity: '0',
          unit_price: '10',
          discount: '',
          branch: '',
          sales_channel: 'shop',
        },
      },
    ]);
    expect(ran.store.contentTypeOf(LAKE_BUCKET, quarantineKey('transactions'))).toBe('application/x-ndjson');
  });

  it('writes only the accepted rows to the curated part', async () => {
    const ran = await run(withBadRows());
    const rows = await curatedRows(ran.store, 'transactions');
    expect(rows.map((r) => r.line_id)).toEqual(['L1', 'L2', 'L3', 'L4']);
  });

  it('refuses rows pointing at a refused row of an earlier file', async () => {
    const customers = withRows('customers', [
      ...tables.customers.rows.slice(0, 2),
      ['C3', '2025-11-31', 'North', '', '', '', '', '', '', '', ''],
    ]);
    const ran = await run({ files: { customers: { table: customers } } });
    expect(ran.output.status).toBe('ACCEPTED');
    expect(quarantined(ran.store, 'customers').map((q) => [q.line, q.issues.map((i) => i.rule)])).toEqual([
      [4, ['iso_date']],
    ]);
    expect(
      quarantined(ran.store, 'contacts').map((q) => [q.record.contact_id, q.issues.map((i) => i.rule)]),
    ).toEqual([['K3', ['unknown_customer']]]);
    // K3's response would then point at an unknown contact; K1's is fine.
    expect(ran.output.files.find((f) => f.dataset === 'responses')).toMatchObject({
      accepted: 1,
      rejected: 0,
    });
  });

  it('refuses a second row with the same id as duplicate_id', async () => {
    const duplicate = ['L4', 'T3', 'C1', '2026-02-20T18:30:00', 'P1', '1', '10', '', 'B1', 'app'];
    const ran = await run({
      files: { transactions: { table: withRows('transactions', [...GOOD_TRANSACTIONS, duplicate]) } },
    });
    expect(quarantined(ran.store, 'transactions')).toMatchObject([
      { line: 6, issues: [{ column: 'line_id', value: 'L4', rule: 'duplicate_id' }] },
    ]);
  });

  it("refuses a transaction dated after the batch was received as 'future_timestamp', showing the text sent", async () => {
    // The run started 2026-02-28T07:00Z; 14 hours later is still a local time somewhere (UTC+14).
    const future = ['L5', 'T4', 'C2', '2026-03-02T09:00:00', 'P2', '1', '20', '', '', 'online'];
    const local = ['L6', 'T5', 'C2', '2026-02-28T20:00:00', 'P2', '1', '20', '', '', 'online'];
    const ran = await run({
      files: { transactions: { table: withRows('transactions', [...GOOD_TRANSACTIONS, future, local]) } },
    });
    expect(ran.output.status).toBe('ACCEPTED');
    expect(quarantined(ran.store, 'transactions')).toMatchObject([
      { line: 6, issues: [{ column: 'ts', value: '2026-03-02T09:00:00', rule: 'future_timestamp' }] },
    ]);
    expect(ran.output.files.find((f) => f.dataset === 'transactions')).toMatchObject({
      rowsIn: 6,
      accepted: 5,
    });
  });

  it('keeps a return without an earlier purchase, flags it beside the quarantine and counts it', async () => {
    // C2 returns P1, which C2 never bought (C1 did).
    const orphan = ['L5', 'T4', 'C2', '2026-02-27T12:00:00', 'P1', '-1', '10', '', '', 'online'];
    const ran = await run({
      files: { transactions: { table: withRows('transactions', [...GOOD_TRANSACTIONS, orphan]) } },
    });
    expect(ran.output.status).toBe('ACCEPTED');
    const flagsKey = `quarantine/${PARTNER}/${BATCH_ID}/${RUN_ID}/flagged/transactions.jsonl`;
    expect(ran.output.files.find((f) => f.dataset === 'transactions')).toEqual({
      dataset: 'transactions',
      key: 'transactions.csv',
      rowsIn: 5,
      accepted: 5,
      rejected: 0,
      flagged: 1,
      flags: { bucket: LAKE_BUCKET, key: flagsKey },
      exceptions: [
        { rule: 'return_without_purchase', column: 'quantity', outcome: 'flagged', rows: 1, firstLine: 6 },
      ],
    });
    expect(JSON.parse(ran.store.text(LAKE_BUCKET, flagsKey) ?? '')).toEqual({
      file: 'transactions.csv',
      line: 6,
      issues: [
        {
          column: 'quantity',
          value: '-1',
          rule: 'return_without_purchase',
          message: 'customer C2 returns product P1 but has no purchase of it in this batch',
        },
      ],
    });
    // The flagged row is curated like any accepted row.
    expect((await curatedRows(ran.store, 'transactions')).map((r) => r.line_id)).toContain('L5');
    expect(ran.store.keys(LAKE_BUCKET, `quarantine/${PARTNER}/${BATCH_ID}/${RUN_ID}/transactions`)).toEqual(
      [],
    );
  });

  it('accepts a file whose refused share equals maxRejectedShare', async () => {
    const bad = (id: string) => [id, ...BAD_TRANSACTION.slice(1)];
    const rows = [...GOOD_TRANSACTIONS.slice(0, 2), bad('L8'), bad('L9')];
    const ran = await run({ files: { transactions: { table: withRows('transactions', rows) } } });
    expect(ran.output.status).toBe('ACCEPTED');
    expect(ran.output.files.find((f) => f.dataset === 'transactions')).toMatchObject({
      rowsIn: 4,
      accepted: 2,
      rejected: 2,
    });
  });

  // An int column is INT32 in Parquet; column.int only checks the safe-integer range, so the
  // Parquet writer throws a plain Error and the stage fails instead of quarantining the row.
  it('quarantines an int cell beyond 32 bits instead of failing the run', async () => {
    const channels = withRows('channels', [
      tables.channels.rows[0] ?? [],
      ['sms', '0.05', '3000000000', '', ''],
    ]);
    const ran = await run({ files: { channels: { table: channels } } });
    expect(ran.output.files.find((f) => f.dataset === 'channels')).toMatchObject({
      accepted: 1,
      rejected: 1,
    });
  });
});

describe('validateBatch: a rejected manifest', () => {
  it("refuses a manifest that is not JSON with rule 'manifest_json'", async () => {
    const ran = await run({ manifestText: '{ "manifestVersion": 1, ' });
    const rejection = rejectionOf(ran);
    expect(rejection).toMatchObject({ file: 'manifest.json', rule: 'manifest_json' });
    expect(rejection.message).toMatch(/^the manifest is not valid JSON: /);
    expect(ran.output.files).toEqual([]);
    expect(ran.counts).toEqual({ files: 0, rowsIn: 0, accepted: 0, rejected: 0 });
    expect(ran.runs.recordedFiles).toEqual([{ runId: RUN_ID, files: [] }]);
  });

  it("refuses a manifest that breaks the schema with rule 'manifest_schema' and the path", async () => {
    const ran = await run({ files: { customers: { sha256: 'A'.repeat(64) } } });
    expect(rejectionOf(ran)).toEqual({
      file: 'manifest.json',
      column: 'files.0.sha256',
      rule: 'manifest_schema',
      message: 'files.0.sha256: must be the lowercase hex SHA-256 of the file as uploaded',
    });
  });

  it('refuses an unknown top-level field', async () => {
    const ran = await run({ manifest: { priority: 'high' } });
    expect(rejectionOf(ran)).toMatchObject({ file: 'manifest.json', rule: 'manifest_schema' });
    expect(rejectionOf(ran).message).toMatch(/priority/);
  });

  it("refuses a manifest uploaded under another partner's folder with rule 'manifest_location'", async () => {
    const ran = await run({}, { folder: { partner: 'globex', batchId: BATCH_ID } });
    expect(rejectionOf(ran)).toEqual({
      file: 'manifest.json',
      column: 'partner',
      rule: 'manifest_location',
      message: `the manifest names partner ${PARTNER} and batch ${BATCH_ID} but was uploaded under globex/${BATCH_ID}`,
    });
    // Nothing but the manifest is read, and only the manifest is kept.
    expect(ran.store.calls.filter((c) => c.op !== 'readText').map((c) => `${c.op} ${c.key}`)).toEqual([
      `write batches/globex/${BATCH_ID}/manifests/${RUN_ID}.json`,
    ]);
  });

  it("refuses a manifest naming another batch id with rule 'manifest_location'", async () => {
    const ran = await run({ manifest: { batchId: 'b-002' } });
    expect(rejectionOf(ran).rule).toBe('manifest_location');
  });

  it("refuses a manifest without a required dataset with rule 'missing_dataset'", async () => {
    const ran = await run({ files: { responses: { unlisted: true }, channels: { unlisted: true } } });
    expect(rejectionOf(ran)).toEqual({
      file: 'manifest.json',
      column: 'files',
      rule: 'missing_dataset',
      message: 'the batch must include channels, responses',
    });
  });

  it("refuses a listed file that was not uploaded with rule 'missing_file', before reading any file", async () => {
    const ran = await run({ files: { products: { notUploaded: true } } });
    expect(rejectionOf(ran)).toEqual({
      file: 'products.csv',
      rule: 'missing_file',
      message: `the manifest lists products.csv but s3://${INCOMING_BUCKET}/${fileKey('products.csv')} does not exist`,
    });
    expect(ran.store.calls.some((c) => c.op === 'read')).toBe(false);
    expect(ran.store.keys(LAKE_BUCKET)).toEqual([`batches/${PARTNER}/${BATCH_ID}/manifests/${RUN_ID}.json`]);
    expect(ran.runs.recordedFiles).toEqual([{ runId: RUN_ID, files: [] }]);
  });
});

describe('validateBatch: manifest history', () => {
  it('keeps the exact manifest each run validated, so a later version never overwrites it', async () => {
    const store = new InMemoryObjectStore();
    const runs = new RecordingRunRepository();
    const first = uploadBatch(store, buildBatch({ manifest: { asOf: '2026-03-01' } }));
    await validateBatch(first, { store, runs, lakeBucket: LAKE_BUCKET, limits: LIMITS });
    const second = {
      ...uploadBatch(store, buildBatch({ manifest: { asOf: '2026-03-02' } })),
      runId: 'run-002',
    };
    await validateBatch(second, { store, runs, lakeBucket: LAKE_BUCKET, limits: LIMITS });
    const kept = (runId: string) =>
      JSON.parse(store.text(LAKE_BUCKET, `batches/${PARTNER}/${BATCH_ID}/manifests/${runId}.json`) ?? '{}');
    expect(kept(RUN_ID).asOf).toBe('2026-03-01');
    expect(kept('run-002').asOf).toBe('2026-03-02');
  });
});

describe('validateBatch: a rejected file', () => {
  it("refuses an empty file with rule 'empty_file' and stops there", async () => {
    const ran = await run({ files: { products: { bytes: '' } } });
    expect(rejectionOf(ran)).toEqual({
      file: 'products.csv',
      rule: 'empty_file',
      message: 'the file is empty: not even a header row',
    });
    expect(ran.output.files).toEqual([
      { dataset: 'customers', key: 'customers.csv', rowsIn: 3, accepted: 3, rejected: 0 },
      { dataset: 'products', key: 'products.csv', rowsIn: 0, accepted: 0, rejected: 0 },
    ]);
    expect(ran.store.calls.filter((c) => c.op === 'read').map((c) => c.key)).toEqual([
      fileKey('customers.csv'),
      fileKey('products.csv'),
    ]);
    expect(ran.runs.recordedFiles).toEqual([{ runId: RUN_ID, files: ran.output.files }]);
  });

  it("refuses a header-only file with rule 'no_rows' on line 1", async () => {
    const ran = await run({ files: { offers: { table: withRows('offers', []) } } });
    expect(rejectionOf(ran)).toEqual({
      file: 'offers.csv',
      line: 1,
      rule: 'no_rows',
      message: 'the file has a header but no data rows',
    });
  });

  it("refuses a file without a required column with rule 'missing_column' naming it", async () => {
    const ran = await run({ files: { offers: { table: withoutColumn('offers', 'kind') } } });
    const rejection = rejectionOf(ran);
    expect(rejection).toMatchObject({ file: 'offers.csv', line: 1, column: 'kind', rule: 'missing_column' });
    expect(rejection.message).toMatch(/^required column kind missing from the header/);
  });

  it("refuses a file whose bytes differ from the manifest's checksum with rule 'checksum'", async () => {
    const ran = await run({ files: { products: { sha256: '0'.repeat(64) } } });
    const actual = sha256(csvText(tables.products));
    expect(rejectionOf(ran)).toEqual({
      file: 'products.csv',
      rule: 'checksum',
      message: `SHA-256 is ${actual} but the manifest says ${'0'.repeat(64)}: the file changed or was truncated`,
    });
  });

  it("refuses a file with another number of rows than the manifest says with rule 'row_count'", async () => {
    const ran = await run({ files: { transactions: { rows: 5 } } });
    expect(rejectionOf(ran)).toEqual({
      file: 'transactions.csv',
      rule: 'row_count',
      message: 'has 4 data rows but the manifest says 5',
    });
  });

  it("refuses a file with too many refused rows with rule 'error_rate', keeping the quarantine", async () => {
    const bad = (id: string) => [id, ...BAD_TRANSACTION.slice(1)];
    const rows = [GOOD_TRANSACTIONS[0] ?? [], bad('L7'), bad('L8'), bad('L9')];
    const ran = await run({ files: { transactions: { table: withRows('transactions', rows) } } });
    expect(rejectionOf(ran)).toEqual({
      file: 'transactions.csv',
      rule: 'error_rate',
      message:
        '3 of 4 rows (75.0%) were refused, above the limit of 50.0%; see the quarantine file for the reasons',
    });
    expect(ran.output.files.at(-1)).toEqual({
      dataset: 'transactions',
      key: 'transactions.csv',
      rowsIn: 4,
      accepted: 1,
      rejected: 3,
      quarantine: { bucket: LAKE_BUCKET, key: quarantineKey('transactions') },
      exceptions: [
        { rule: 'unknown_customer', column: 'customer_id', outcome: 'rejected', rows: 3, firstLine: 3 },
      ],
    });
    expect(quarantined(ran.store, 'transactions').map((q) => q.line)).toEqual([3, 4, 5]);
    expect(ran.store.keys(LAKE_BUCKET, 'curated/transactions/')).toEqual([]);
  });

  it("refuses plain bytes declared as gzip with rule 'gzip'", async () => {
    const ran = await run({
      files: { customers: { compression: 'gzip', bytes: csvText(tables.customers) } },
    });
    expect(rejectionOf(ran)).toMatchObject({ file: 'customers.csv.gz', rule: 'gzip' });
  });

  // Undeclared gzip bytes hit csv-parse's INVALID_OPENING_QUOTE (not in CSV_RULES) before the
  // header's binary check, so the partner reads rule 'csv_syntax' and a line of binary garbage.
  it('refuses gzip bytes declared as plain CSV with a rule that says so', async () => {
    const ran = await run({
      files: { customers: { bytes: gzipSync(Buffer.from(csvText(tables.customers))) } },
    });
    expect(rejectionOf(ran).file).toBe('customers.csv');
    expect(['binary_content', 'gzip']).toContain(rejectionOf(ran).rule);
  });

  it("sees a file split on the wrong delimiter as one unknown column: 'missing_column'", async () => {
    const ran = await run({ files: { customers: { delimiter: ';', declaredDelimiter: ',' } } });
    expect(rejectionOf(ran)).toMatchObject({
      file: 'customers.csv',
      line: 1,
      column: 'customer_id',
      rule: 'missing_column',
    });
  });

  it("refuses an unterminated quote with rule 'unterminated_quote' and a line", async () => {
    const text = `${csvText({ header: tables.contacts.header, rows: [] })}K1,CMP1,C1,O1,email,2026-02-01T09:00:00,treatment,"10\nK2,CMP1,C2,,,2026-02-01T09:00:00,control,\n`;
    const ran = await run({ files: { contacts: { bytes: text, rows: 2 } } });
    const rejection = rejectionOf(ran);
    expect(rejection).toMatchObject({ file: 'contacts.csv', rule: 'unterminated_quote' });
    expect(rejection.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses a gzip that expands past maxDecompressedBytes', async () => {
    const ran = await run(
      { files: { transactions: { compression: 'gzip' } } },
      { limits: { maxDecompressedBytes: 100 } },
    );
    expect(rejectionOf(ran)).toMatchObject({ file: 'transactions.csv.gz', rule: 'decompressed_size' });
  });

  it('refuses a record longer than maxRecordChars', async () => {
    const ran = await run({}, { limits: { maxRecordChars: 60 } });
    expect(rejectionOf(ran)).toMatchObject({ file: 'customers.csv', line: 1, rule: 'record_too_long' });
  });
});

describe('validateBatch: a file overwritten during the run', () => {
  const overwriteOnHead = (store: InMemoryObjectStore, body: string) =>
    store.onCall((call) => {
      if (call.op === 'head' && call.key === fileKey('transactions.csv')) {
        store.put(INCOMING_BUCKET, fileKey('transactions.csv'), body);
      }
    });

  it("rejects the batch with rule 'file_changed' naming the file, rather than reading the new bytes", async () => {
    const tampered = csvText(withRows('transactions', GOOD_TRANSACTIONS.slice(0, 3)));
    const ran = await run({}, { prepare: (store) => overwriteOnHead(store, tampered) });
    expect(rejectionOf(ran)).toMatchObject({ file: 'transactions.csv', rule: 'file_changed' });
    expect(rejectionOf(ran).message).toMatch(/overwritten after the run started/);
  });

  it('curates the earlier files but nothing of the changed one, and records the accounts', async () => {
    const ran = await run({}, { prepare: (store) => overwriteOnHead(store, 'changed') });
    expect(
      ran.store
        .keys(LAKE_BUCKET)
        .filter((k) => k.startsWith('curated/'))
        .map((k) => k.split('/')[1]),
    ).toEqual(['channels', 'customers', 'offers', 'products']);
    const accounts = ran.runs.recordedFiles.at(-1)?.files ?? [];
    expect(accounts.map((a) => a.dataset)).toEqual([
      'customers',
      'products',
      'offers',
      'channels',
      'transactions',
    ]);
    expect(accounts.at(-1)).toMatchObject({ dataset: 'transactions', rowsIn: 0, accepted: 0, rejected: 0 });
  });
});

describe('quarantinePrefix', () => {
  it('is quarantine/{partner}/{batchId}/{runId}/', async () => {
    const state = uploadBatch(new InMemoryObjectStore(), buildBatch());
    expect(quarantinePrefix(state)).toBe(`quarantine/${PARTNER}/${BATCH_ID}/${RUN_ID}/`);
  });
});
