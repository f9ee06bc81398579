import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { manifestFile } from '#shared/domain/contracts/manifest';
import { ReferenceIndex } from '#shared/domain/intake/references';
import type { S3Ref } from '#shared/domain/runs/run-state';
import type { ObjectWriter, VersionedRef } from '#shared/ports/object-store';
import { type FileValidation, validateFile } from '#shared/use-cases/intake/validate-file';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';
import { csvText, LIMITS, sha256, type Table, validTables } from './batch-fixture';

const tables = validTables();

/** An index holding the customers and products of the fixture batch. */
function indexWithCatalog(): ReferenceIndex {
  const index = new ReferenceIndex();
  for (const id of ['C1', 'C2', 'C3']) index.accept('customers', { customer_id: id });
  for (const id of ['P1', 'P2']) index.accept('products', { product_id: id });
  return index;
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
      index: indexWithCatalog(),
      limits: LIMITS,
    });
    // Assess
    expect(outcome).toEqual({
      ok: true,
      account: {
        dataset: 'transactions',
        key: 'transactions.csv',
        rowsIn: 4,
        accepted: 3,
        rejected: 1,
        quarantine: { bucket: 'lake', key: 'quarantine/p/b/r1/transactions.jsonl' },
      },
      maxTimestamp: Date.UTC(2026, 1, 20, 7),
    });
    expect(store.keys('lake')).toEqual([
      'curated/transactions/run_id=r1/part-00000.parquet',
      'quarantine/p/b/r1/transactions.jsonl',
    ]);
  });

  it('registers accepted ids in the index, so later files can point at them', async () => {
    const store = new InMemoryObjectStore();
    const index = indexWithCatalog();
    await validateFile(transactionsJob(store, tables.transactions), { store, index, limits: LIMITS });
    expect(index.check('transactions', { line_id: 'L1' }).map((i) => i.rule)).toEqual(['duplicate_id']);
    expect(index.check('transactions', { line_id: 'L99' })).toEqual([]);
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
    await expect(validateFile(job, { store, index: indexWithCatalog(), limits: LIMITS })).rejects.toThrow(
      'connection reset',
    );
    expect(store.calls.filter((c) => c.op === 'openWriter').map((c) => c.key)).toEqual([
      'quarantine/p/b/r1/transactions.jsonl',
    ]);
    expect(store.keys('lake')).toEqual([]);
  });
});
