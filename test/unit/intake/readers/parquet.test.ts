import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { cappedCompressors, openParquetSource } from '#shared/domain/intake/readers/parquet';
import {
  type RecordSource,
  SourceFormatError,
  type SourceRecord,
  type SourceSpec,
} from '#shared/domain/intake/readers/record-source';
import { parquetBytes, type RecordingInput, recordingInput } from './parquet-fixture';

const SPEC: SourceSpec = {
  format: 'parquet',
  compression: 'none',
  encoding: 'utf-8',
  delimiter: ',',
  header: true,
  maxDecompressedBytes: 1_000_000,
  maxRecordChars: 10_000,
};

const ROWS = 10;
const at = (minute: number, ms = 0) => new Date(Date.UTC(2026, 0, 1, 10, minute, 0, ms));

/** Ten rows of every common type, in row groups of three. */
function typedFile(
  options: { rowGroupSize?: number; codec?: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED' } = {},
): Buffer {
  const rows = Array.from({ length: ROWS }, (_, i) => i);
  return parquetBytes({
    columnData: [
      { name: 'id', data: rows.map((i) => `C${i + 1}`) },
      { name: 'note', data: rows.map((i) => (i === 3 ? null : `=HYPERLINK("x") ${i}`)) },
      { name: 'count', data: rows.map((i) => (i === 4 ? null : i * 10 - 20)) },
      { name: 'price', data: rows.map((i) => i + 0.5) },
      { name: 'active', data: rows.map((i) => i % 2 === 0) },
      { name: 'seen_at', data: rows.map((i) => at(i, i === 1 ? 250 : 0)) },
      { name: 'signup', data: rows.map((i) => new Date(Date.UTC(2026, 0, 1 + i))) },
      { name: 'big', data: rows.map((i) => BigInt(i) * 10_000_000_000_000_000n) },
    ],
    schema: [
      { name: 'root', num_children: 8 },
      { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: 'note', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'count', type: 'INT32', repetition_type: 'OPTIONAL' },
      { name: 'price', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'active', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
      { name: 'seen_at', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
      { name: 'signup', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
      { name: 'big', type: 'INT64', repetition_type: 'OPTIONAL' },
    ],
    rowGroupSize: options.rowGroupSize ?? 3,
    ...(options.codec ? { codec: options.codec } : {}),
    ...(options.codec === 'GZIP' ? { compressors: { GZIP: (input: Uint8Array) => gzipSync(input) } } : {}),
  });
}

async function readAll(source: RecordSource | Promise<RecordSource>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const batch of (await source).batches) out.push(...batch);
  return out;
}

async function failure(source: Promise<RecordSource>): Promise<SourceFormatError> {
  try {
    await readAll(source);
  } catch (error) {
    if (error instanceof SourceFormatError) return error;
    throw error;
  }
  throw new Error('expected the source to fail');
}

const open = (input: RecordingInput, spec: Partial<SourceSpec> = {}) =>
  openParquetSource(input, { ...SPEC, ...spec });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The byte span of each row group's column chunks, from the file's own metadata. */
function rowGroupSpans(bytes: Uint8Array): [number, number][] {
  const metadata = parquetMetadata(new Uint8Array(bytes));
  return metadata.row_groups.map((group) => {
    const chunks = group.columns.map((c) => {
      const meta = c.meta_data;
      if (!meta) throw new Error('column chunk without metadata');
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      return [start, start + Number(meta.total_compressed_size)] as const;
    });
    return [Math.min(...chunks.map((c) => c[0])), Math.max(...chunks.map((c) => c[1]))];
  });
}

describe('openParquetSource: values', () => {
  it('takes the columns from the schema and numbers rows from 1 across row groups', async () => {
    const source = await open(recordingInput(typedFile()));
    expect(source.columns).toEqual(['id', 'note', 'count', 'price', 'active', 'seen_at', 'signup', 'big']);
    const records = await readAll(source);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(records.map((r) => r.values.id)).toEqual([
      'C1',
      'C2',
      'C3',
      'C4',
      'C5',
      'C6',
      'C7',
      'C8',
      'C9',
      'C10',
    ]);
  });

  it('writes each value as cell text: strings as is, numbers in full, ISO timestamps and days, null as empty', async () => {
    const records = await readAll(open(recordingInput(typedFile())));
    expect(records.slice(0, 5).map((r) => r.values)).toEqual([
      {
        id: 'C1',
        note: '=HYPERLINK("x") 0',
        count: '-20',
        price: '0.5',
        active: 'true',
        seen_at: '2026-01-01T10:00:00',
        signup: '2026-01-01',
        big: '0',
      },
      {
        id: 'C2',
        note: '=HYPERLINK("x") 1',
        count: '-10',
        price: '1.5',
        active: 'false',
        seen_at: '2026-01-01T10:01:00.250',
        signup: '2026-01-02',
        big: '10000000000000000',
      },
      {
        id: 'C3',
        note: '=HYPERLINK("x") 2',
        count: '0',
        price: '2.5',
        active: 'true',
        seen_at: '2026-01-01T10:02:00',
        signup: '2026-01-03',
        big: '20000000000000000',
      },
      {
        id: 'C4',
        note: '',
        count: '10',
        price: '3.5',
        active: 'false',
        seen_at: '2026-01-01T10:03:00',
        signup: '2026-01-04',
        big: '30000000000000000',
      },
      {
        id: 'C5',
        note: '=HYPERLINK("x") 4',
        count: '',
        price: '4.5',
        active: 'true',
        seen_at: '2026-01-01T10:04:00',
        signup: '2026-01-05',
        big: '40000000000000000',
      },
    ]);
    expect(records.every((r) => r.problem === undefined && r.fieldCount === undefined)).toBe(true);
  });

  it('reads a DATE given only as logical type as a day, and nested values as JSON text', async () => {
    const bytes = parquetBytes({
      columnData: [
        { name: 'day', data: [0, 20_454] },
        { name: 'tags', data: [['a', 'b'], []] },
      ],
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'day', type: 'INT32', logical_type: { type: 'DATE' }, repetition_type: 'OPTIONAL' },
        { name: 'tags', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    });
    expect((await readAll(open(recordingInput(bytes)))).map((r) => r.values)).toEqual([
      { day: '1970-01-01', tags: '["a","b"]' },
      { day: '2026-01-01', tags: '[]' },
    ]);
  });

  it('refuses a row whose text is not UTF-8 with an encoding problem, reading the others', async () => {
    const bytes = parquetBytes({
      columnData: [{ name: 'name', data: [Buffer.from('Ann'), Buffer.from([0x63, 0x61, 0x66, 0xe9])] }],
      schema: [
        { name: 'root', num_children: 1 },
        { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    });
    const records = await readAll(open(recordingInput(bytes)));
    expect(records[0]).toEqual({ line: 1, values: { name: 'Ann' } });
    expect(records[1]?.problem).toEqual({
      rule: 'encoding',
      column: 'name',
      message: 'name holds bytes that are not UTF-8 text',
    });
    expect(records[1]?.values.name).not.toContain('\uFFFD');
  });

  it('reads GZIP-compressed column chunks to the same rows as SNAPPY ones', async () => {
    const snappy = await readAll(open(recordingInput(typedFile())));
    expect(await readAll(open(recordingInput(typedFile({ codec: 'GZIP' }))))).toEqual(snappy);
  });
});

describe('openParquetSource: reading by range', () => {
  it('reads row group by row group through ranged reads, and streams the object once, for the checksum', async () => {
    // Four row groups of 2000 rows of incompressible text: larger than the footer read, so that
    // reading the rows must go through the row groups' own ranges.
    const rows = 8000;
    const hex = (i: number) => createHash('sha256').update(String(i)).digest('hex');
    const bytes = parquetBytes({
      columnData: [
        { name: 'n', data: Array.from({ length: rows }, (_, i) => i) },
        { name: 'hash', data: Array.from({ length: rows }, (_, i) => hex(i)) },
      ],
      rowGroupSize: 2000,
    });
    const spans = rowGroupSpans(bytes);
    expect(spans).toHaveLength(4);
    expect(bytes.length).toBeGreaterThan(4 * 64 * 1024);
    const input = recordingInput(bytes);
    const source = await open(input);

    // Opening reads the magic bytes and the end of the file, nothing more and no stream.
    expect(input.streams()).toBe(0);
    expect(input.ranges[0]).toEqual([0, 4]);
    expect(input.ranges.slice(1).map(([, end]) => end)).toEqual([bytes.length]);
    const opened = input.ranges.length;

    const records = await readAll(source);
    expect(records).toHaveLength(rows);
    expect(records[4321]).toEqual({ line: 4322, values: { n: '4321', hash: hex(4321) } });
    const reads = input.ranges.slice(opened);
    const groups = reads.map(([start, end]) => spans.findIndex(([from, to]) => start >= from && end <= to));
    // Every read lies inside one row group, in file order, and every group is read.
    expect(groups).not.toContain(-1);
    expect([...new Set(groups)]).toEqual([0, 1, 2, 3]);
    expect(groups).toEqual([...groups].sort((a, b) => a - b));
    const largestGroup = Math.max(...spans.map(([from, to]) => to - from));
    expect(Math.max(...reads.map(([start, end]) => end - start))).toBeLessThanOrEqual(largestGroup);
    expect(largestGroup).toBeLessThan(bytes.length / 3);
    // The whole object went through SHA-256 once, as a stream.
    expect(input.streams()).toBe(1);
    expect(source.digest()).toEqual({ sha256: sha256(bytes), bytes: bytes.length });
  });

  it('has no digest before the rows were read, and does not stream a file whose rows are never read', async () => {
    const input = recordingInput(typedFile());
    const source = await open(input);
    expect(() => source.digest()).toThrow(/only after every record was read/);
    source.close?.();
    expect(input.streams()).toBe(0);
  });

  it('stops streaming when reading stops early', async () => {
    const input = recordingInput(typedFile(), 16);
    const source = await open(input);
    const iterator = source.batches[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
    expect(input.streams()).toBe(1);
    expect(() => source.digest()).toThrow();
  });

  it('reads an empty object as no columns and no rows, with the digest of nothing', async () => {
    const input = recordingInput(new Uint8Array());
    const source = await open(input);
    expect(source.columns).toEqual([]);
    expect(await readAll(source)).toEqual([]);
    expect(source.digest()).toEqual({ sha256: sha256(new Uint8Array()), bytes: 0 });
  });

  it('passes on a failed ranged read as it is, not as a damaged file', async () => {
    const input = recordingInput(typedFile());
    const source = await open(input);
    const boom = new Error('connection reset');
    input.readRange = async () => {
      throw boom;
    };
    await expect(readAll(source)).rejects.toBe(boom);
  });
});

describe('openParquetSource: files that cannot be read', () => {
  it("refuses bytes that are not Parquet with rule 'parquet'", async () => {
    const error = await failure(open(recordingInput(Buffer.from('id,name\n1,Ann\n'))));
    expect(error.rule).toBe('parquet');
    expect(error.message).toBe(
      'the file does not start with the Parquet magic bytes PAR1: it is not a Parquet file',
    );
  });

  it("refuses a truncated Parquet file with rule 'parquet'", async () => {
    const bytes = typedFile();
    for (const keep of [bytes.length - 1, Math.floor(bytes.length / 2), 6]) {
      const error = await failure(open(recordingInput(bytes.subarray(0, keep))));
      expect(error.rule, `first ${keep} bytes`).toBe('parquet');
      expect(error.message).toMatch(/^the Parquet footer cannot be read; the file is truncated or damaged/);
    }
  });

  it("refuses a gzipped Parquet file with rule 'gzip'", async () => {
    expect((await failure(open(recordingInput(gzipSync(typedFile()))))).rule).toBe('gzip');
  });

  it("refuses a codec it cannot decompress with rule 'parquet' naming the codec", async () => {
    const bytes = parquetBytes({
      columnData: [{ name: 'a', data: ['x'] }],
      codec: 'LZ4',
      compressors: { LZ4: (x) => x },
    });
    const error = await failure(open(recordingInput(bytes)));
    expect(error.rule).toBe('parquet');
    expect(error.message).toMatch(/^row group 1 cannot be read: .*LZ4/);
  });

  it("refuses a file whose data expands past maxDecompressedBytes with rule 'decompressed_size'", async () => {
    const bytes = typedFile();
    expect((await failure(open(recordingInput(bytes), { maxDecompressedBytes: 200 }))).rule).toBe(
      'decompressed_size',
    );
    expect(await readAll(open(recordingInput(bytes), { maxDecompressedBytes: 100_000 }))).toHaveLength(ROWS);
  });

  it("refuses a row longer than maxRecordChars with rule 'record_too_long' on its row", async () => {
    const bytes = parquetBytes({ columnData: [{ name: 'a', data: ['short', 'x'.repeat(300)] }] });
    expect(await failure(open(recordingInput(bytes), { maxRecordChars: 100 }))).toMatchObject({
      rule: 'record_too_long',
      line: 2,
    });
  });
});

describe('cappedCompressors', () => {
  it('counts what every page claims against the cap, so metadata that understates the size cannot hide a bomb', () => {
    const compressors = cappedCompressors(1000);
    const page = Buffer.alloc(600, 'x');
    const gzip = compressors.GZIP;
    if (!gzip) throw new Error('GZIP is supported');
    expect(Buffer.from(gzip(gzipSync(page), 600))).toEqual(page);
    expect(() => gzip(gzipSync(page), 600)).toThrow(
      expect.objectContaining({
        rule: 'decompressed_size',
        message: 'expands past the limit of 1000 bytes when decompressed',
      }),
    );
    expect(() => cappedCompressors(1000).SNAPPY?.(new Uint8Array(4), 5000)).toThrow(SourceFormatError);
  });

  it('does not let a page expand past the size its header claims', () => {
    const gzip = cappedCompressors(1_000_000).GZIP;
    if (!gzip) throw new Error('GZIP is supported');
    expect(() => gzip(gzipSync(Buffer.alloc(5000)), 100)).toThrow();
  });
});
