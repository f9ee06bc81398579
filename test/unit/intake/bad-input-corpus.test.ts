import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import type { DatasetName } from '#shared/domain/contracts/datasets';
import { manifestFile } from '#shared/domain/contracts/manifest';
import { BatchRules } from '#shared/domain/intake/batch-rules';
import type { QuarantinedRow } from '#shared/domain/intake/row-issues';
import type { FileAccount, Rejection, ValidateOutput } from '#shared/domain/runs/run-state';
import type { VersionedRef } from '#shared/ports/object-store';
import type { IntakeLimits } from '#shared/use-cases/intake/validate-file';
import { validateFile } from '#shared/use-cases/intake/validate-file';
import { validateBatch } from '#shared/use-cases/validate-batch';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';
import {
  BATCH_ID,
  type BatchSpec,
  buildBatch,
  csvText,
  LAKE_BUCKET,
  LIMITS,
  PARTNER,
  RECEIVED_AT,
  RecordingRunRepository,
  RUN_ID,
  sha256,
  type Table,
  uploadBatch,
  validTables,
} from './batch-fixture';
import { parquetBytes } from './readers/parquet-fixture';

/**
 * Named bad inputs a partner really sends, each through the whole validate stage: every one ends
 * with one clear rule, and nothing is lost (rows in = accepted + rejected wherever rows were read).
 */

const tables = validTables();

interface Ran {
  readonly output: ValidateOutput;
  readonly store: InMemoryObjectStore;
}

async function run(
  spec: BatchSpec,
  options: { limits?: Partial<IntakeLimits>; store?: InMemoryObjectStore } = {},
): Promise<Ran> {
  const store = options.store ?? new InMemoryObjectStore(16);
  const state = uploadBatch(store, buildBatch(spec));
  const result = await validateBatch(state, {
    store,
    runs: new RecordingRunRepository(),
    lakeBucket: LAKE_BUCKET,
    limits: { ...LIMITS, ...options.limits },
  });
  return { output: result.output, store };
}

function account(ran: Ran, dataset: DatasetName): FileAccount {
  const found = ran.output.files.find((f) => f.dataset === dataset);
  if (!found) throw new Error(`no account for ${dataset}`);
  return found;
}

/** The batch's rejection, after checking that every refused row of every file is in quarantine. */
function rejectionOf(ran: Ran): Rejection {
  expect(ran.output.status).toBe('REJECTED');
  for (const f of ran.output.files) expect(quarantined(ran, f.dataset), f.key).toHaveLength(f.rejected);
  if (!ran.output.rejection) throw new Error('a REJECTED output carries its rejection');
  return ran.output.rejection;
}

function quarantined(ran: Ran, dataset: DatasetName): QuarantinedRow[] {
  const text = ran.store.text(LAKE_BUCKET, `quarantine/${PARTNER}/${BATCH_ID}/${RUN_ID}/${dataset}.jsonl`);
  if (text === undefined) return [];
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as QuarantinedRow);
}

/** An accepted dataset's rows in = accepted + rejected, and every rejected row is in quarantine. */
function expectNothingLost(
  ran: Ran,
  dataset: DatasetName,
  counts: { rowsIn: number; rejected: number },
): void {
  const a = account(ran, dataset);
  expect({ rowsIn: a.rowsIn, accepted: a.accepted, rejected: a.rejected }).toEqual({
    rowsIn: counts.rowsIn,
    accepted: counts.rowsIn - counts.rejected,
    rejected: counts.rejected,
  });
  expect(quarantined(ran, dataset)).toHaveLength(counts.rejected);
}

async function curated(ran: Ran, dataset: DatasetName): Promise<Record<string, unknown>[]> {
  const bytes = ran.store.get(LAKE_BUCKET, `curated/${dataset}/run_id=${RUN_ID}/part-00000.parquet`);
  if (!bytes) throw new Error(`no curated part for ${dataset}`);
  return parquetReadObjects({ file: new Uint8Array(bytes).buffer });
}

/** Deterministic random bytes (a linear congruential generator), never starting like gzip. */
function garbage(length: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    bytes[i] = (x >>> 16) & 0xff;
  }
  if (bytes[0] === 0x1f) bytes[0] = 0;
  return bytes;
}

const products = tables.products;
const PRODUCTS_JSONL = [
  { product_id: 'P1', category: 'Garden', subcategory: 'Tools', price: 10, unit_cost: 6 },
  { product_id: 'P2', category: 'Toys', subcategory: null, price: 20, unit_cost: null },
];
const productsParquet = () =>
  parquetBytes({
    columnData: [
      { name: 'product_id', data: ['P1', 'P2'] },
      { name: 'category', data: ['Garden', 'Toys'] },
      { name: 'subcategory', data: ['Tools', null] },
      { name: 'price', data: [10, 20] },
      { name: 'unit_cost', data: [6, null] },
    ],
  });

describe('bad inputs that refuse the file', () => {
  it("an empty file: 'empty_file', in every format", async () => {
    const csv = await run({ files: { products: { bytes: '' } } });
    expect(rejectionOf(csv)).toEqual({
      file: 'products.csv',
      rule: 'empty_file',
      message: 'the file is empty: not even a header row',
    });
    const jsonl = await run({
      files: { products: { bytes: '', key: 'products.jsonl', entry: { format: 'jsonl' } } },
    });
    expect(rejectionOf(jsonl)).toEqual({
      file: 'products.jsonl',
      rule: 'empty_file',
      message: 'the file is empty: no rows',
    });
    const parquet = await run({
      files: { products: { bytes: '', key: 'products.parquet', entry: { format: 'parquet' } } },
    });
    expect(rejectionOf(parquet)).toEqual({
      file: 'products.parquet',
      rule: 'empty_file',
      message: 'the file is empty',
    });
  });

  it("a header only: 'no_rows' on line 1", async () => {
    const ran = await run({ files: { offers: { table: { header: tables.offers.header, rows: [] } } } });
    expect(rejectionOf(ran)).toEqual({
      file: 'offers.csv',
      line: 1,
      rule: 'no_rows',
      message: 'the file has a header but no data rows',
    });
    expect(account(ran, 'offers')).toMatchObject({ rowsIn: 0, accepted: 0, rejected: 0 });
  });

  it("a wrong delimiter: the header is one unknown column, so 'missing_column' on line 1", async () => {
    const ran = await run({ files: { customers: { delimiter: ';', declaredDelimiter: ',' } } });
    const rejection = rejectionOf(ran);
    expect(rejection).toMatchObject({
      file: 'customers.csv',
      line: 1,
      column: 'customer_id',
      rule: 'missing_column',
    });
    expect(rejection.message).toContain(`found: ${tables.customers.header.join(';')}`);
  });

  it("an unterminated quote: 'unterminated_quote' with a line", async () => {
    const text = `${csvText({ header: tables.contacts.header, rows: [] })}K1,CMP1,C1,O1,email,2026-02-01T09:00:00,treatment,"10\nK2,CMP1,C2,,,2026-02-01T09:00:00,control,\n`;
    const ran = await run({ files: { contacts: { bytes: text, rows: 2 } } });
    const rejection = rejectionOf(ran);
    expect(rejection).toMatchObject({ file: 'contacts.csv', rule: 'unterminated_quote' });
    expect(rejection.line).toBeGreaterThanOrEqual(2);
  });

  it("binary garbage: 'encoding' as CSV or JSON Lines, 'parquet' as Parquet", async () => {
    const bytes = garbage(4096);
    // Checked outside the test (Python's strict UTF-8 decoder on the same generator): the first
    // invalid byte is at offset 3, on line 1.
    const csv = rejectionOf(await run({ files: { products: { bytes } } }));
    expect(csv).toMatchObject({ file: 'products.csv', rule: 'encoding', line: 1 });
    expect(csv.message).toContain('"encoding": "latin1"');
    const jsonl = await run({
      files: { products: { bytes, key: 'products.jsonl', entry: { format: 'jsonl' } } },
    });
    expect(rejectionOf(jsonl)).toMatchObject({ file: 'products.jsonl', rule: 'encoding', line: 1 });
    const parquet = await run({
      files: { products: { bytes, key: 'products.parquet', entry: { format: 'parquet' } } },
    });
    expect(rejectionOf(parquet)).toEqual({
      file: 'products.parquet',
      rule: 'parquet',
      message: 'the file does not start with the Parquet magic bytes PAR1: it is not a Parquet file',
    });
  });

  it("a gzip that expands past the cap: 'decompressed_size'", async () => {
    // 1.4 MB of rows that compress to a couple of kilobytes, against a cap of 50 kB.
    const cap = 50_000;
    const bomb = gzipSync(`${tables.products.header.join(',')}\n${'P9,Garden,,1,\n'.repeat(100_000)}`);
    expect(bomb.length).toBeLessThan(cap / 10);
    const ran = await run(
      { files: { products: { bytes: bomb, compression: 'gzip', rows: 100_000 } } },
      { limits: { maxDecompressedBytes: cap } },
    );
    expect(rejectionOf(ran)).toEqual({
      file: 'products.csv.gz',
      rule: 'decompressed_size',
      message: `expands past the limit of ${cap} bytes when decompressed`,
    });
  });

  it("a 50 MB single line: 'record_too_long', read only as far as the limit", async () => {
    const LENGTH = 50 * 1024 * 1024;
    const CHUNK = 64 * 1024;
    const header = `${products.header.join(',')}\n`;
    /** The file as a stream made on demand: the header, then 50 MB of one cell without a break. */
    const lazyFile = (counter: { bytes: number }) =>
      Readable.from(
        (function* () {
          yield Buffer.from(header);
          const block = Buffer.alloc(CHUNK, 'x');
          for (let sent = 0; sent < LENGTH; sent += CHUNK) {
            counter.bytes += CHUNK;
            yield block;
          }
        })(),
      );
    const hash = createHash('sha256');
    for await (const chunk of lazyFile({ bytes: 0 })) hash.update(chunk as Buffer);
    const checksum = hash.digest('hex');

    const served = { bytes: 0 };
    class LazyStore extends InMemoryObjectStore {
      public override async read(ref: VersionedRef): Promise<Readable> {
        if (!ref.key.endsWith('/products.csv')) return super.read(ref);
        await super.read(ref); // recorded and pinned like any read
        return lazyFile(served);
      }
    }
    const ran = await run(
      { files: { products: { bytes: 'stand-in', rows: 1, sha256: checksum } } },
      { store: new LazyStore(16) },
    );
    expect(rejectionOf(ran)).toMatchObject({ file: 'products.csv', line: 2, rule: 'record_too_long' });
    expect(served.bytes).toBeLessThan(1024 * 1024);
  });

  it("duplicate column names: 'duplicate_column' on line 1", async () => {
    const table: Table = {
      header: [...tables.offers.header, 'kind'],
      rows: tables.offers.rows.map((r) => [...r, 'bundle']),
    };
    expect(rejectionOf(await run({ files: { offers: { table } } }))).toEqual({
      file: 'offers.csv',
      line: 1,
      column: 'kind',
      rule: 'duplicate_column',
      message: 'column kind appears twice in the header',
    });
  });

  it("a missing required column: 'missing_column' naming it", async () => {
    const at = tables.offers.header.indexOf('kind');
    const table: Table = {
      header: tables.offers.header.filter((_, i) => i !== at),
      rows: tables.offers.rows.map((r) => r.filter((_, i) => i !== at)),
    };
    const rejection = rejectionOf(await run({ files: { offers: { table } } }));
    expect(rejection).toMatchObject({ file: 'offers.csv', line: 1, column: 'kind', rule: 'missing_column' });
    expect(rejection.message).toMatch(/^required column kind missing from the header/);
  });

  it("mixed encodings, UTF-8 with a Latin-1 é: 'encoding' on the line of the stray byte", async () => {
    const utf8 = csvText({ header: tables.customers.header, rows: tables.customers.rows.slice(0, 2) });
    const stray = Buffer.from([
      ...Buffer.from('C3,2025-11-20,Montr'),
      0xe9,
      ...Buffer.from('al,,1995,,,,,,\n'),
    ]);
    const bytes = Buffer.concat([Buffer.from(utf8.replace('North', 'Zoë-North')), stray]);
    const rejection = rejectionOf(await run({ files: { customers: { bytes } } }));
    expect(rejection).toMatchObject({ file: 'customers.csv', line: 4, rule: 'encoding' });
    expect(rejection.message).toContain('"encoding": "latin1"');
    expect(rejection.message).toContain('mixing UTF-8 and Latin-1');
  });

  it("a truncated Parquet file: 'parquet'", async () => {
    const bytes = productsParquet();
    const ran = await run({
      files: {
        products: {
          bytes: bytes.subarray(0, bytes.length - 100),
          key: 'products.parquet',
          entry: { format: 'parquet' },
        },
      },
    });
    const rejection = rejectionOf(ran);
    expect(rejection).toMatchObject({ file: 'products.parquet', rule: 'parquet' });
    expect(rejection.message).toMatch(/truncated or damaged/);
  });
});

describe('bad inputs that refuse only some rows', () => {
  it('unknown extra columns: accepted, kept out of curated data, reported by validateFile', async () => {
    const table: Table = {
      header: [...tables.channels.header, 'internal_note'],
      rows: tables.channels.rows.map((r) => [...r, 'do not publish']),
    };
    const ran = await run({ files: { channels: { table } } });
    expect(ran.output.status).toBe('ACCEPTED');
    expectNothingLost(ran, 'channels', { rowsIn: 2, rejected: 0 });
    const rows = await curated(ran, 'channels');
    expect(rows.map((r) => Object.keys(r))).toEqual([tables.channels.header, tables.channels.header]);
    expect(JSON.stringify(rows)).not.toContain('do not publish');

    // Where they are reported: the file's outcome names them once (the batch output has no place for them yet).
    const store = new InMemoryObjectStore();
    const text = csvText(table);
    const version = store.put('in', 'channels.csv', text);
    const outcome = await validateFile(
      {
        source: { bucket: 'in', key: 'channels.csv', version },
        file: manifestFile.parse({ dataset: 'channels', key: 'channels.csv', rows: 2, sha256: sha256(text) }),
        runId: RUN_ID,
        lakeBucket: LAKE_BUCKET,
        quarantinePrefix: 'q/',
      },
      { store, rules: new BatchRules({ receivedAt: RECEIVED_AT }), limits: LIMITS },
    );
    expect(outcome.unknownColumns).toEqual(['internal_note']);
  });

  it("mixed date formats: the rows with 01/03/2026 are quarantined as 'iso_date', the others accepted", async () => {
    const offers: Table = {
      header: tables.offers.header,
      rows: [
        ...tables.offers.rows,
        ['O3', 'Summer', 'percent_off', 'Garden', '5', '2026-06-01', '2026-06-30', ''],
        ['O4', 'Autumn', 'percent_off', 'Garden', '5', '01/03/2026', '2026-09-30', ''],
      ],
    };
    const ran = await run({ files: { offers: { table: offers } } });
    expect(ran.output.status).toBe('ACCEPTED');
    expectNothingLost(ran, 'offers', { rowsIn: 4, rejected: 1 });
    expect(quarantined(ran, 'offers')).toEqual([
      {
        file: 'offers.csv',
        line: 5,
        issues: [
          {
            column: 'valid_from',
            value: '01/03/2026',
            rule: 'iso_date',
            message: 'must be a calendar date as YYYY-MM-DD',
          },
        ],
        record: Object.fromEntries(tables.offers.header.map((h, i) => [h, offers.rows[3]?.[i]])),
      },
    ]);
    expect((await curated(ran, 'offers')).map((r) => r.offer_id)).toEqual(['O1', 'O2', 'O3']);
  });

  it('values that look like spreadsheet formulas: stored as the exact text, nothing evaluates them', async () => {
    const formulas = ['=HYPERLINK("x")', '@SUM(A1:A2)', '+1', '-1'];
    const customers: Table = {
      header: tables.customers.header,
      rows: [
        ['C1', '2024-01-15', formulas[0] ?? '', formulas[1] ?? '', '1980', 'f', 'yes', 'no', '', '1', '0'],
        ['C2', '2025-06-01', formulas[2] ?? '', formulas[3] ?? '', '', 'M', '0', '1', '1', '', ''],
        ...tables.customers.rows.slice(2),
      ],
    };
    const ran = await run({ files: { customers: { table: customers } } });
    expect(ran.output.status).toBe('ACCEPTED');
    expectNothingLost(ran, 'customers', { rowsIn: 3, rejected: 0 });
    const rows = await curated(ran, 'customers');
    expect(rows.slice(0, 2).flatMap((r) => [r.region, r.branch])).toEqual(formulas);
  });

  it("a JSON Lines file with one broken line: that row quarantined as 'json' with its line", async () => {
    const [p1, p2] = PRODUCTS_JSONL.map((p) => JSON.stringify(p));
    const text = `${p1}\n{"product_id": "P3", "category": "Toys", "price": 5\n${p2}\n`;
    const ran = await run({
      files: { products: { bytes: text, key: 'products.jsonl', entry: { format: 'jsonl' }, rows: 3 } },
    });
    expect(ran.output.status).toBe('ACCEPTED');
    expectNothingLost(ran, 'products', { rowsIn: 3, rejected: 1 });
    expect(quarantined(ran, 'products')).toMatchObject([
      { file: 'products.jsonl', line: 2, record: {}, issues: [{ column: '*', rule: 'json' }] },
    ]);
    expect((await curated(ran, 'products')).map((r) => r.product_id)).toEqual(['P1', 'P2']);
  });

  it('a whole Parquet file read through the batch: accepted, as curated as its CSV twin', async () => {
    const parquet = await run({
      files: {
        products: { bytes: productsParquet(), key: 'products.parquet', entry: { format: 'parquet' } },
      },
    });
    const csv = await run({});
    expect(parquet.output.status).toBe('ACCEPTED');
    expectNothingLost(parquet, 'products', { rowsIn: 2, rejected: 0 });
    expect(await curated(parquet, 'products')).toEqual(await curated(csv, 'products'));
  });
});
