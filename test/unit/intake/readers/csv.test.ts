import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCsvSource, recordFromFields } from '#shared/domain/intake/readers/csv';
import {
  type RecordSource,
  SourceFormatError,
  type SourceRecord,
  type SourceSpec,
} from '#shared/domain/intake/readers/record-source';
import { realDataFile } from '../../../support/real-data';

const DEFAULTS: SourceSpec = {
  format: 'csv',
  compression: 'none',
  encoding: 'utf-8',
  delimiter: ',',
  header: true,
  maxDecompressedBytes: 1_000_000,
  maxRecordChars: 10_000,
};

/** A stream of the bytes in chunks of `chunk` bytes (0: one chunk). */
function streamOf(input: string | Uint8Array, chunk = 0): Readable {
  const bytes = Buffer.from(input);
  if (chunk <= 0) return Readable.from([bytes]);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  return Readable.from(chunks);
}

function open(
  input: string | Uint8Array,
  options: Partial<SourceSpec> = {},
  chunk = 0,
): Promise<RecordSource> {
  return openCsvSource(streamOf(input, chunk), { ...DEFAULTS, ...options });
}

/** A record as data: line, values by column and, where it differs, the field count. */
function plain(record: SourceRecord): SourceRecord {
  const { line, values, fieldCount } = record;
  return fieldCount === undefined ? { line, values } : { line, values, fieldCount };
}

async function readAll(source: RecordSource | Promise<RecordSource>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const batch of (await source).batches) out.push(...batch.map(plain));
  return out;
}

/** The columns and every record as [line, ...fields in column order]. */
async function table(
  source: Promise<RecordSource>,
): Promise<{ columns: readonly string[]; rows: unknown[][] }> {
  const opened = await source;
  const records = await readAll(opened);
  return {
    columns: opened.columns,
    rows: records.map((r) => [r.line, ...opened.columns.map((c) => r.values[c])]),
  };
}

/** Opens and reads until the source fails and returns the error (or throws when it does not fail). */
async function failure(source: Promise<RecordSource>): Promise<SourceFormatError> {
  try {
    await readAll(source);
  } catch (error) {
    if (error instanceof SourceFormatError) return error;
    throw error;
  }
  throw new Error('expected the source to fail');
}

const CDNOW_MASTER = realDataFile('cdnow/CDNOW_master.txt', 'the CDNOW master reading test');
const CDNOW_SAMPLE = realDataFile('cdnow/CDNOW_sample.txt', 'the CDNOW sample reading test');

const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('openCsvSource: reading records', () => {
  it('reads the header as the columns, then each data row keyed by column with 1-based lines', async () => {
    const source = await open('id,name\n1,Ann\n2,Bob\n');
    expect(source.columns).toEqual(['id', 'name']);
    expect(await readAll(source)).toEqual([
      { line: 2, values: { id: '1', name: 'Ann' } },
      { line: 3, values: { id: '2', name: 'Bob' } },
    ]);
  });

  it('reads the last record without a trailing line break', async () => {
    expect((await table(open('id\n1\n2'))).rows).toEqual([
      [2, '1'],
      [3, '2'],
    ]);
  });

  it('reads a gzip file to the same records as the plain file', async () => {
    const text = 'id,name\n1,Ann\n2,"B, ob"\n';
    const plain = await table(open(text));
    expect(await table(open(gzipSync(Buffer.from(text)), { compression: 'gzip' }))).toEqual(plain);
    expect(plain.rows[1]).toEqual([3, '2', 'B, ob']);
  });

  it('strips a UTF-8 byte order mark, plain or gzipped', async () => {
    const text = '\uFEFFid,name\n1,Ann\n';
    expect((await open(text)).columns).toEqual(['id', 'name']);
    expect((await open(gzipSync(Buffer.from(text)), { compression: 'gzip' })).columns).toEqual([
      'id',
      'name',
    ]);
  });

  it('reads CRLF line endings without leaving a carriage return in the last field', async () => {
    expect(await table(open('id,name\r\n1,Ann\r\n2,Bob\r\n'))).toEqual({
      columns: ['id', 'name'],
      rows: [
        [2, '1', 'Ann'],
        [3, '2', 'Bob'],
      ],
    });
  });

  it('splits on a custom delimiter and leaves commas alone', async () => {
    expect(await table(open('id;price\n1;1,50\n', { delimiter: ';' }))).toEqual({
      columns: ['id', 'price'],
      rows: [[2, '1', '1,50']],
    });
    expect((await table(open('id\tname\n1\tA, B\n', { delimiter: '\t' }))).rows).toEqual([[2, '1', 'A, B']]);
    expect((await table(open('id|name\n1|Ann\n', { delimiter: '|' }))).rows).toEqual([[2, '1', 'Ann']]);
  });

  it('gives a short or long row the count of fields it has, and the values it has by column', async () => {
    expect(await readAll(open('a,b,c\n1,2\n1,2,3,4\n1,2,3\n'))).toEqual([
      { line: 2, values: { a: '1', b: '2', c: undefined }, fieldCount: 2 },
      { line: 3, values: { a: '1', b: '2', c: '3' }, fieldCount: 4 },
      { line: 4, values: { a: '1', b: '2', c: '3' } },
    ]);
  });

  it('unquotes fields and unescapes doubled quotes', async () => {
    expect((await table(open('a,b\n"x ""y""","1,2"\n'))).rows).toEqual([[2, 'x "y"', '1,2']]);
  });

  it('gives a record with an embedded line break the line it starts on, and the next record its own', async () => {
    const source = open('id,note\n1,"two\nlines"\n2,plain\n3,"three\nmore\nlines"\n4,end\n');
    const { rows } = await table(source);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      [2, '1'],
      [4, '2'],
      [5, '3'],
      [8, '4'],
    ]);
    expect(rows[0]?.[2]).toBe('two\nlines');
  });

  it('counts lines the same when the stream arrives in tiny chunks', async () => {
    const text = 'id,note\n1,"two\nlines"\n2,plain\n';
    expect(await table(open(text, {}, 3))).toEqual(await table(open(text)));
  });

  it('reads a chunk far larger than the pieces it is tokenized in as the same records as tiny chunks', async () => {
    // Multi-byte characters, quoted line breaks and CRLFs land on every kind of piece boundary.
    const lines = ['id,name,note'];
    for (let i = 0; i < 6_000; i++) {
      const note =
        i % 7 === 0 ? `"line one\r\nline ""two"" ${i}"` : i % 5 === 0 ? 'Zoë Ångström 😀' : `n${i}`;
      lines.push(`${i},naïve ${'x'.repeat(i % 40)},${note}`);
    }
    const text = `${lines.join('\r\n')}\r\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 64 * 1024);
    const whole = await table(open(text));
    expect(whole.rows).toHaveLength(6_000);
    expect(whole).toEqual(await table(open(text, {}, 4_099)));
    expect(whole).toEqual(await table(open(text, {}, 131_071)));
  });

  it('gives the right lines around a quoted field with an embedded CRLF', async () => {
    const records = await readAll(open('id,note\r\n1,"two\r\nlines"\r\n2,plain\r\n'));
    expect(records.map((r) => r.line)).toEqual([2, 4]);
  });

  it('skips empty lines but still counts them in the line numbers', async () => {
    expect((await table(open('id,name\n\n1,Ann\n\n\n2,Bob\n\n'))).rows).toEqual([
      [3, '1', 'Ann'],
      [6, '2', 'Bob'],
    ]);
  });

  it('does not skip a line of blanks or of empty fields: they are records the caller judges', async () => {
    expect(await readAll(open('id,name\n   \n,\n1,Ann\n'))).toEqual([
      { line: 2, values: { id: '   ', name: undefined }, fieldCount: 1 },
      { line: 3, values: { id: '', name: '' } },
      { line: 4, values: { id: '1', name: 'Ann' } },
    ]);
  });

  it('reads an empty input as no columns and no records', async () => {
    const source = await open('');
    expect(source.columns).toEqual([]);
    expect(await readAll(source)).toEqual([]);
  });

  it('reads a file without a header with the declared columns, its first line being a record on line 1', async () => {
    const source = open('1,Ann\n2,Bob\n', { header: false, columns: ['id', 'name'] });
    expect(await table(source)).toEqual({
      columns: ['id', 'name'],
      rows: [
        [1, '1', 'Ann'],
        [2, '2', 'Bob'],
      ],
    });
  });

  it('keeps header names as written, blanks included: matching them is the header check', async () => {
    expect((await open(' id , name\n1,Ann\n')).columns).toEqual([' id ', ' name']);
  });
});

describe('openCsvSource: whitespace-delimited text', () => {
  const WS = { delimiter: 'whitespace' } as const;

  it('splits on runs of spaces and tabs, trimming leading and trailing blanks, across CRLF', async () => {
    const text =
      ' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112\t1 \t 12.00 \r\n';
    expect(await table(open(text, WS))).toEqual({
      columns: ['customer_id', 'date', 'number_of_cds', 'dollar_value'],
      rows: [
        [2, '00001', '19970101', '1', '11.77'],
        [3, '00002', '19970112', '1', '12.00'],
      ],
    });
  });

  it('keeps a quoted value with blanks whole and a quoted empty value as a field', async () => {
    expect(await readAll(open('a b c\n"New York"  ""  3\n', WS))).toEqual([
      { line: 2, values: { a: 'New York', b: '', c: '3' } },
    ]);
  });

  it('skips lines of blanks like empty lines and counts a missing field', async () => {
    expect(await readAll(open('a b\n   \n\t\n1 2\n3\n', WS))).toEqual([
      { line: 4, values: { a: '1', b: '2' } },
      { line: 5, values: { a: '3', b: undefined }, fieldCount: 1 },
    ]);
  });

  it.skipIf(!CDNOW_MASTER)(
    'reads the start of the CDNOW master file: header and purchases, each of four fields',
    async () => {
      const head = readFileSync(CDNOW_MASTER ?? '').subarray(0, 4096);
      const lines = head.subarray(0, head.lastIndexOf('\n') + 1);
      const source = await open(lines, WS, 100);
      expect(source.columns).toEqual(['customer_id', 'date', 'number_of_cds', 'dollar_value']);
      const records = await readAll(source);
      expect(records.length).toBe(lines.toString().split('\r\n').length - 2);
      expect(records.filter((r) => r.fieldCount !== undefined)).toEqual([]);
      expect(records.slice(0, 2)).toEqual([
        {
          line: 2,
          values: { customer_id: '00001', date: '19970101', number_of_cds: '1', dollar_value: '11.77' },
        },
        {
          line: 3,
          values: { customer_id: '00002', date: '19970112', number_of_cds: '1', dollar_value: '12.00' },
        },
      ]);
    },
  );

  it.skipIf(!CDNOW_SAMPLE)('reads the whole headerless CDNOW sample file with declared columns', async () => {
    const columns = ['master_id', 'sample_id', 'date', 'number_of_cds', 'dollar_value'];
    const source = await openCsvSource(createReadStream(CDNOW_SAMPLE ?? ''), {
      ...DEFAULTS,
      ...WS,
      header: false,
      columns,
    });
    const records = await readAll(source);
    // `wc -l` counts 6919 lines, every one a purchase.
    expect(records).toHaveLength(6919);
    expect(records.filter((r) => r.fieldCount !== undefined)).toEqual([]);
    expect(records[0]).toEqual({
      line: 1,
      values: {
        master_id: '00004',
        sample_id: '0001',
        date: '19970101',
        number_of_cds: '2',
        dollar_value: '29.33',
      },
    });
    expect(records.at(-1)?.line).toBe(6919);
  });
});

describe('openCsvSource: encodings', () => {
  it('reads Latin-1 bytes as their characters: é is the single byte 0xE9', async () => {
    const bytes = Buffer.from([...Buffer.from('id,name\n1,caf'), 0xe9, ...Buffer.from('\n')]);
    expect((await table(open(bytes, { encoding: 'latin1' }))).rows).toEqual([[2, '1', 'café']]);
  });

  it('reads 0x80-0x9F of Latin-1 as windows-1252 does: euro sign and curly quotes, not control codes', async () => {
    const bytes = Buffer.from([...Buffer.from('a\n'), 0x80, 0x93, 0x78, 0x94, 0x96, ...Buffer.from('\n')]);
    expect((await table(open(bytes, { encoding: 'latin1' }))).rows).toEqual([[2, '€“x”–']]);
  });

  it('reads multi-byte UTF-8 split across chunks', async () => {
    const text = 'id,name\n1,Zoë Ångström 😀\n';
    expect((await table(open(text, {}, 1))).rows).toEqual([[2, '1', 'Zoë Ångström 😀']]);
  });

  it("refuses bytes that are not UTF-8 in a UTF-8 file with rule 'encoding', its line and a hint to declare latin1", async () => {
    const bytes = Buffer.from([...Buffer.from('id,name\n1,Ann\n2,caf'), 0xe9, ...Buffer.from('\n3,Bob\n')]);
    const error = await failure(open(bytes));
    expect(error.rule).toBe('encoding');
    expect(error.line).toBe(3);
    expect(error.message).toContain('"encoding": "latin1"');
  });

  it('finds the line of a bad byte whatever the chunking, even a byte split from its line', async () => {
    const bytes = Buffer.from([...Buffer.from('id\n1\n2\n3\nab'), 0xc3, ...Buffer.from('\n5\n')]);
    for (const chunk of [0, 1, 2, 3, 5, 11, 12]) {
      expect((await failure(open(bytes, {}, chunk))).line, `chunks of ${chunk}`).toBe(5);
    }
  });

  it('refuses a mostly-UTF-8 file with Latin-1 bytes in it: mixed encodings', async () => {
    const utf8 = Buffer.from('id,name\n1,Zoë\n2,Jürgen\n');
    const bytes = Buffer.concat([utf8, Buffer.from([0x33, 0x2c, 0x52, 0xe9, 0x6d, 0x79, 0x0a])]);
    const error = await failure(open(bytes));
    expect([error.rule, error.line]).toEqual(['encoding', 4]);
  });

  it('refuses a file ending in the middle of a UTF-8 character', async () => {
    const bytes = Buffer.concat([Buffer.from('id\n1\n'), Buffer.from('é').subarray(0, 1)]);
    expect(await failure(open(bytes))).toMatchObject({ rule: 'encoding', line: 3 });
  });

  it('refuses a UTF-8 byte order mark in a file declared latin1', async () => {
    expect((await failure(open('\uFEFFid\n1\n', { encoding: 'latin1' }))).rule).toBe('encoding');
  });
});

describe('openCsvSource: digest', () => {
  it('is the SHA-256 and size of the raw bytes', async () => {
    const text = 'id,name\r\n1,Ånn\r\n';
    const source = await open(text, {}, 4);
    await readAll(source);
    expect(source.digest()).toEqual({ sha256: sha256(text), bytes: Buffer.byteLength(text) });
  });

  it('is the SHA-256 of the compressed bytes for a gzip file, BOM included', async () => {
    const gz = gzipSync(Buffer.from('\uFEFFid\n1\n'));
    const source = await open(gz, { compression: 'gzip' }, 7);
    await readAll(source);
    expect(source.digest()).toEqual({ sha256: sha256(gz), bytes: gz.length });
  });

  it('is the SHA-256 of the bytes as stored for a Latin-1 file, not of their UTF-8 conversion', async () => {
    const bytes = Buffer.from([...Buffer.from('id\n'), 0xe9, 0x0a]);
    const source = await open(bytes, { encoding: 'latin1' });
    await readAll(source);
    expect(source.digest()).toEqual({ sha256: sha256(bytes), bytes: 5 });
  });

  it('is the digest of nothing for an empty input', async () => {
    const source = await open('');
    await readAll(source);
    expect(source.digest()).toEqual({ sha256: sha256(''), bytes: 0 });
  });

  it('is not available before every record was read', async () => {
    const source = await open('id\n1\n2\n');
    expect(() => source.digest()).toThrow(/only after every record was read/);
    const iterator = source.batches[Symbol.asyncIterator]();
    await iterator.next();
    expect(() => source.digest()).toThrow(/only after every record was read/);
    await iterator.return?.();
  });

  it('is not available after the file failed', async () => {
    // The broken rest arrives only once the header was read, so that reading records is what fails.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let step = 0;
    const raw = new Readable({
      read() {
        step += 1;
        // csv-parse holds the bytes of a chunk back until the next one arrives.
        if (step === 1) this.push('id\n1\n');
        if (step === 2) this.push('2\n');
        if (step === 3) void gate.then(() => this.push('"3\n')).then(() => this.push(null));
      },
    });
    const source = await openCsvSource(raw, DEFAULTS);
    release();
    await expect(readAll(source)).rejects.toMatchObject({ rule: 'unterminated_quote' });
    expect(() => source.digest()).toThrow();
  });
});

describe('openCsvSource: files that cannot be read', () => {
  it("refuses plain bytes declared as gzip with rule 'gzip'", async () => {
    const error = await failure(open('id,name\n1,Ann\n', { compression: 'gzip' }));
    expect(error.rule).toBe('gzip');
    expect(error.message).toMatch(/not a valid gzip file/);
    expect(error.line).toBeUndefined();
  });

  it("refuses a truncated gzip with rule 'gzip'", async () => {
    const gz = gzipSync(Buffer.from(`id\n${'1\n'.repeat(1000)}`));
    expect((await failure(open(gz.subarray(0, gz.length - 10), { compression: 'gzip' }))).rule).toBe('gzip');
  });

  it("refuses gzip bytes declared as compression none with rule 'gzip', even when the magic bytes arrive apart", async () => {
    const gz = gzipSync(Buffer.from('id\n1\n'));
    for (const chunk of [0, 1]) {
      const error = await failure(open(gz, {}, chunk));
      expect(error.rule).toBe('gzip');
      expect(error.message).toBe('the file is gzip-compressed but the manifest says compression none');
    }
  });

  it("refuses a gzip that expands past maxDecompressedBytes with rule 'decompressed_size'", async () => {
    const text = `id,name\n${'1,Ann\n'.repeat(2000)}`;
    const gz = gzipSync(Buffer.from(text));
    expect(gz.length).toBeLessThan(1000);
    const error = await failure(open(gz, { compression: 'gzip', maxDecompressedBytes: 1000 }));
    expect(error.rule).toBe('decompressed_size');
    expect(error.message).toMatch(/1000 bytes/);
    // The same file within the limit reads fine.
    const within = { compression: 'gzip', maxDecompressedBytes: text.length } as const;
    expect(await readAll(open(gz, within))).toHaveLength(2000);
  });

  it("refuses an unterminated quote with rule 'unterminated_quote' and a line", async () => {
    const error = await failure(open('id,name\n1,Ann\n2,"Bob\n3,Cy\n4,Di\n'));
    expect(error.rule).toBe('unterminated_quote');
    // csv-parse reports the line where parsing ended (5), not where the quote opened (3).
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(error.line).toBeLessThanOrEqual(5);
  });

  // relax_quotes: a stray quote is data; anything it breaks (a shifted comma) is caught per row by
  // the field count and the contract, and goes to quarantine instead of failing the whole file.
  it('keeps a quote inside an unquoted field as data', async () => {
    expect((await table(open('id,name\n1,5" screen\n'))).rows).toEqual([[2, '1', '5" screen']]);
  });

  it('keeps text after a closing quote as a literal value', async () => {
    expect((await table(open('id,name\n1,"Ann"x\n'))).rows).toEqual([[2, '1', '"Ann"x']]);
  });

  it("refuses a record longer than maxRecordChars with rule 'record_too_long' on its line", async () => {
    const error = await failure(open(`id,name\n1,${'x'.repeat(200)}\n`, { maxRecordChars: 100 }));
    expect(error.rule).toBe('record_too_long');
    expect(error.line).toBe(2);
    // A file without any line break is one long record, refused while the header is read.
    await expect(open('y'.repeat(500), { maxRecordChars: 100 })).rejects.toMatchObject({
      rule: 'record_too_long',
    });
  });

  it('passes on an error of the raw stream as it is', async () => {
    const boom = new Error('connection reset');
    const raw = new Readable({
      read() {
        this.destroy(boom);
      },
    });
    await expect(readAll(openCsvSource(raw, DEFAULTS))).rejects.toBe(boom);
  });
});

describe('openCsvSource: close', () => {
  it('stops reading the object: the raw stream is destroyed and records end', async () => {
    let produced = 0;
    const raw = new Readable({
      read() {
        produced += 1;
        this.push(produced === 1 ? 'id\n' : `${produced}\n`.repeat(100));
      },
    });
    const source = await openCsvSource(raw, DEFAULTS);
    source.close?.();
    await new Promise((resolve) => raw.once('close', resolve));
    expect(raw.destroyed).toBe(true);
    await expect(readAll(source)).rejects.toThrow();
  });
});

describe('recordFromFields', () => {
  it('keys fields by column and counts them only when the count differs', () => {
    expect(plain(recordFromFields(['a', 'b'], 7, ['1', '2']))).toEqual({
      line: 7,
      values: { a: '1', b: '2' },
    });
    expect(recordFromFields(['a', 'b'], 7, ['1', '2']).fields).toEqual(['1', '2']);
    expect(plain(recordFromFields(['a', 'b'], 7, ['1']))).toEqual({
      line: 7,
      values: { a: '1', b: undefined },
      fieldCount: 1,
    });
    expect(recordFromFields(['__proto__'], 1, ['x']).values).toEqual({ ['__proto__']: 'x' });
  });
});
