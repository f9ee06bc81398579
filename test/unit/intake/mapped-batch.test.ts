import { describe, expect, it } from 'vitest';
import { manifestKey } from '#shared/domain/contracts/manifest';
import { type RunState, runState } from '#shared/domain/runs/run-state';
import { mappingKey } from '#shared/use-cases/intake/resolve-mapping';
import { validateBatch } from '#shared/use-cases/validate-batch';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';
import { INCOMING_BUCKET, LAKE_BUCKET, LIMITS, RecordingRunRepository, sha256 } from './batch-fixture';

const PARTNER = 'shop';
const BATCH = 'b1';

/** A retailer's own export: one row per line, ids as floats, day-first dates, a decimal comma. */
const EXPORT = [
  'Invoice;Sku;Qty;When;Price;Client;Shop',
  'I1;S1;2;03/02/2026 09:14;2,49;17850.0;North',
  'I1;S2;1;03/02/2026 09:14;3,19;17850.0;North',
  'I2;S1;1;04/02/2026 10:00;2,49;;South',
  'I3;S3;1;31/02/2026 11:00;4,50;12346.0;North',
  'I4;S4;1;05/02/2026 12:00;-1,00;12346.0;North',
  'I5;S2;-1;06/02/2026 08:00;3,19;17850.0;North',
].join('\n');

const MAPPING = {
  mappingVersion: 1,
  name: 'shop-export',
  outputs: [
    {
      dataset: 'transactions',
      mode: 'row',
      columns: {
        line_id: { row: true, transforms: [{ prefix: 'L' }] },
        transaction_id: { from: 'Invoice' },
        customer_id: { from: 'Client', transforms: ['float_id'] },
        ts: { from: 'When', transforms: [{ date: 'dd/MM/yyyy HH:mm' }] },
        product_id: { from: 'Sku' },
        quantity: { from: 'Qty' },
        unit_price: { from: 'Price', transforms: ['decimal_comma'] },
        branch: { from: 'Shop' },
        sales_channel: { value: 'over_the_counter' },
      },
    },
    {
      dataset: 'products',
      mode: 'distinct',
      key: { from: 'Sku' },
      columns: {
        product_id: { of: { from: 'Sku' } },
        category: { of: { value: 'general' } },
        price: { aggregate: 'mode', of: { from: 'Price', transforms: ['decimal_comma'] } },
      },
    },
    {
      dataset: 'customers',
      mode: 'distinct',
      key: { from: 'Client', transforms: ['float_id'] },
      columns: {
        customer_id: { of: { from: 'Client', transforms: ['float_id'] } },
        region: { aggregate: 'mode', of: { from: 'Shop' } },
      },
    },
  ],
};

interface Options {
  readonly piiKey?: Uint8Array;
  readonly mapping?: unknown;
  readonly mappingName?: string;
  readonly text?: string;
  readonly extraFiles?: { dataset: string; key: string; text: string }[];
  readonly requiredDatasets?: readonly ('customers' | 'transactions' | 'products')[];
}

async function run(options: Options = {}) {
  const store = new InMemoryObjectStore(64);
  const runs = new RecordingRunRepository();
  const text = options.text ?? EXPORT;
  const prefix = `incoming/${PARTNER}/${BATCH}/`;
  store.put(INCOMING_BUCKET, `${prefix}export.csv`, text);
  if (options.mapping !== null) {
    store.put(
      INCOMING_BUCKET,
      mappingKey(PARTNER, 'shop-export'),
      typeof options.mapping === 'string' ? options.mapping : JSON.stringify(options.mapping ?? MAPPING),
    );
  }
  const files = [
    {
      dataset: 'transactions',
      key: 'export.csv',
      format: 'csv',
      delimiter: ';',
      mapping: options.mappingName ?? 'shop-export',
      rows: text.split('\n').length - 1,
      sha256: sha256(text),
    },
    ...(options.extraFiles ?? []).map((f) => {
      store.put(INCOMING_BUCKET, `${prefix}${f.key}`, f.text);
      return {
        dataset: f.dataset,
        key: f.key,
        rows: f.text.trim().split('\n').length - 1,
        sha256: sha256(f.text),
      };
    }),
  ];
  const key = manifestKey(PARTNER, BATCH);
  const version = store.put(
    INCOMING_BUCKET,
    key,
    JSON.stringify({ manifestVersion: 1, partner: PARTNER, batchId: BATCH, files }),
  );
  const state: RunState = runState.parse({
    runId: 'r1',
    trigger: { source: 's3' },
    batch: {
      bucket: INCOMING_BUCKET,
      manifestKey: key,
      manifestVersion: version,
      partner: PARTNER,
      batchId: BATCH,
    },
    campaign: { budget: 1, holdoutFraction: 0, sendDate: '2026-03-01', seed: 1, currency: 'EUR' },
    startedAt: '2026-03-01T00:00:00.000Z',
  });
  const result = await validateBatch(state, {
    store,
    runs,
    lakeBucket: LAKE_BUCKET,
    limits: { ...LIMITS, maxRejectedShare: 0.5 },
    requiredDatasets: options.requiredDatasets ?? [],
    ...(options.piiKey ? { piiKey: options.piiKey } : {}),
  });
  const quarantined = (dataset: string) =>
    (store.text(LAKE_BUCKET, `quarantine/${PARTNER}/${BATCH}/r1/${dataset}.jsonl`) ?? '')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as { line: number; issues: { column: string; rule: string }[] });
  return { output: result.output, store, quarantined };
}

describe('validateBatch with a mapping', () => {
  it('produces each dataset of the mapping from one export, with an account per dataset', async () => {
    const { output, store } = await run();
    expect(output.status).toBe('ACCEPTED');
    expect(output.files.map((f) => [f.dataset, f.key, f.rowsIn, f.accepted, f.rejected])).toEqual([
      ['customers', 'export.csv', 2, 2, 0],
      ['products', 'export.csv', 4, 3, 1],
      ['transactions', 'export.csv', 6, 4, 2],
    ]);
    expect(store.keys(LAKE_BUCKET).filter((k) => k.startsWith('curated/'))).toEqual([
      'curated/customers/run_id=r1/part-00000.parquet',
      'curated/products/run_id=r1/part-00000.parquet',
      'curated/transactions/run_id=r1/month=2026-02/part-00000.parquet',
    ]);
  });

  it('reads a file with derived datasets twice, both times at its pinned version', async () => {
    const { store } = await run();
    const reads = store.calls.filter((c) => c.op === 'read' && c.key.endsWith('export.csv'));
    expect(reads).toHaveLength(2);
    expect(new Set(reads.map((c) => c.version)).size).toBe(1);
  });

  it("quarantines each refused line with the mapping's or the contract's reason", async () => {
    const { quarantined } = await run();
    expect(
      quarantined('transactions').map((q) => [q.line, q.issues.map((i) => `${i.column}:${i.rule}`)]),
    ).toEqual([
      // 31/02 matches the date pattern; the contract refuses the day.
      [5, ['ts:iso_timestamp']],
      // A negative price; the guest line 4 and the return on line 7 are accepted.
      [6, ['unit_price:minimum']],
    ]);
  });

  it('refuses a derived entity and, with it, the rows that refer to it', async () => {
    const { quarantined } = await run({ text: `${EXPORT}\nI6;S4;2;07/02/2026 09:00;1,50;12346.0;North` });
    // S4's most frequent price is -1.00 (first seen on line 6): the product is refused...
    expect(
      quarantined('products').map((q) => [q.line, q.issues.map((i) => `${i.column}:${i.rule}`)]),
    ).toEqual([[6, ['price:minimum']]]);
    // ...and line 8, valid on its own, refers to it.
    expect(quarantined('transactions').at(-1)).toMatchObject({
      line: 8,
      issues: [{ column: 'product_id', rule: 'unknown_product' }],
    });
  });

  it('counts a required dataset as provided when a mapping derives it', async () => {
    const { output } = await run({ requiredDatasets: ['customers', 'products', 'transactions'] });
    expect(output.status).toBe('ACCEPTED');
  });
});

describe('validateBatch: a mapping that cannot be used', () => {
  it("refuses a missing mapping with rule 'mapping_missing'", async () => {
    const { output } = await run({ mapping: null });
    expect(output.rejection).toMatchObject({ file: 'mappings/shop-export.json', rule: 'mapping_missing' });
  });

  it("refuses a mapping that is not JSON with rule 'mapping_json'", async () => {
    const { output } = await run({ mapping: '{ nope' });
    expect(output.rejection).toMatchObject({ file: 'mappings/shop-export.json', rule: 'mapping_json' });
  });

  it("names the path of a schema error with rule 'mapping_schema'", async () => {
    const broken = structuredClone(MAPPING) as { outputs: { columns: Record<string, unknown> }[] };
    const first = broken.outputs[0];
    if (first) first.columns.colour = { from: 'Sku' };
    const { output } = await run({ mapping: broken });
    expect(output.rejection).toMatchObject({
      rule: 'mapping_schema',
      column: 'outputs.0.columns.colour',
      message: 'outputs.0.columns.colour: transactions has no column colour',
    });
  });

  it('refuses a mapping whose name differs from its file', async () => {
    const { output } = await run({ mapping: { ...MAPPING, name: 'other' } });
    expect(output.rejection).toMatchObject({ rule: 'mapping_schema', column: 'name' });
  });

  it('refuses an export without a column the mapping reads, naming the mapping', async () => {
    const { output } = await run({ text: EXPORT.replace('Price', 'Prize') });
    expect(output.rejection).toMatchObject({
      file: 'export.csv',
      line: 1,
      column: 'Price',
      rule: 'missing_column',
    });
    expect(output.rejection?.message).toMatch(/which the mapping shop-export reads/);
  });

  it("refuses two files that provide the same dataset with rule 'duplicate_dataset'", async () => {
    const products = 'product_id,category,price\nS9,general,1.00\n';
    const { output } = await run({
      extraFiles: [{ dataset: 'products', key: 'products.csv', text: products }],
    });
    expect(output.rejection).toMatchObject({ file: 'manifest.json', rule: 'duplicate_dataset' });
    expect(output.rejection?.message).toBe(
      'both export.csv and products.csv provide products; a batch has one source per dataset',
    );
  });
});

describe('validateBatch: personal data', () => {
  const withPersonal = EXPORT.split('\n')
    .map((line, i) => (i === 0 ? `${line};Email;Name` : `${line};ana${i}@example.com;Ana Example ${i}`))
    .join('\n');
  const hashing = structuredClone(MAPPING) as {
    outputs: { dataset: string; columns: Record<string, unknown> }[];
  };
  const customers = hashing.outputs.find((o) => o.dataset === 'customers');
  if (customers) {
    customers.columns.attributes = {
      of: { json: { email_hash: { from: 'Email', transforms: [{ hash: 'email' }] } } },
    };
  }

  it('keeps only keyed hashes of what a mapping hashes, drops the rest, and names both', async () => {
    const { output, store } = await run({ text: withPersonal, mapping: hashing, piiKey: Buffer.from('k') });
    expect(output.status).toBe('ACCEPTED');
    const account = output.files.find((f) => f.dataset === 'transactions');
    expect(account?.unknownColumns).toEqual(['Name']);
    expect(account?.personalColumns).toEqual(['Name']);
    // No raw e-mail or name anywhere in the lake: curated data, quarantine, reports.
    for (const key of store.keys(LAKE_BUCKET)) {
      const text = store.text(LAKE_BUCKET, key) ?? '';
      expect(text, key).not.toMatch(/@example\.com|Ana Example/);
    }
  });

  it('refuses a mapping that hashes when the deployment has no key', async () => {
    const { output } = await run({ text: withPersonal, mapping: hashing });
    expect(output.rejection).toMatchObject({ file: 'mappings/shop-export.json', rule: 'mapping_schema' });
    expect(output.rejection?.message).toMatch(/no PII hash key/);
  });
});
