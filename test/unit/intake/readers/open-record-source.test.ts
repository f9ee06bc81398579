import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openRecordSource } from '#shared/domain/intake/readers/open-record-source';
import type { SourceRecord, SourceSpec } from '#shared/domain/intake/readers/record-source';
import { parquetBytes, recordingInput } from './parquet-fixture';

const SPEC: SourceSpec = {
  format: 'csv',
  compression: 'none',
  encoding: 'utf-8',
  delimiter: ',',
  header: true,
  maxDecompressedBytes: 1_000_000,
  maxRecordChars: 10_000,
};

async function read(bytes: Uint8Array, spec: Partial<SourceSpec>) {
  const input = recordingInput(bytes);
  const source = await openRecordSource(input, { ...SPEC, ...spec });
  const records: SourceRecord[] = [];
  for await (const batch of source.batches) records.push(...batch);
  return { columns: source.columns, records, input, digest: source.digest() };
}

describe('openRecordSource', () => {
  it('reads the same rows from CSV, gzipped JSON Lines and Parquet', async () => {
    const csv = await read(Buffer.from('id,qty\nA,1\nB,2\n'), {});
    const jsonl = await read(gzipSync('{"id":"A","qty":1}\n{"id":"B","qty":2}\n'), {
      format: 'jsonl',
      compression: 'gzip',
    });
    const parquet = await read(
      parquetBytes({
        columnData: [
          { name: 'id', data: ['A', 'B'] },
          { name: 'qty', data: [1, 2] },
        ],
      }),
      {
        format: 'parquet',
      },
    );
    const rows = (r: typeof csv) => r.records.map((x) => x.values);
    expect(csv.columns).toEqual(['id', 'qty']);
    expect(jsonl.columns).toEqual(['id', 'qty']);
    expect(parquet.columns).toEqual(['id', 'qty']);
    expect(rows(csv)).toEqual([
      { id: 'A', qty: '1' },
      { id: 'B', qty: '2' },
    ]);
    expect(rows(jsonl)).toEqual(rows(csv));
    expect(rows(parquet)).toEqual(rows(csv));
    // Text is the CSV header's line 2 on; JSON Lines counts from line 1; Parquet numbers rows.
    expect([csv, jsonl, parquet].map((r) => r.records.map((x) => x.line))).toEqual([
      [2, 3],
      [1, 2],
      [1, 2],
    ]);
  });

  it('streams text formats once and never reads them by range', async () => {
    const csv = await read(Buffer.from('id\nA\n'), {});
    const jsonl = await read(Buffer.from('{"id":"A"}\n'), { format: 'jsonl' });
    for (const { input, records } of [csv, jsonl]) {
      expect(records.map((r) => r.values)).toEqual([{ id: 'A' }]);
      expect(input.streams()).toBe(1);
      expect(input.ranges).toEqual([]);
    }
  });
});
