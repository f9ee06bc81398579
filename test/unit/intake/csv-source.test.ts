import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CsvFormatError,
  type CsvRecord,
  type CsvSource,
  openCsvSource,
} from '#shared/domain/intake/csv-source';

const DEFAULTS = { gzip: false, delimiter: ',', maxDecompressedBytes: 1_000_000, maxRecordChars: 10_000 };

/** A stream of the bytes in chunks of `chunk` bytes (0: one chunk). */
function streamOf(input: string | Uint8Array, chunk = 0): Readable {
  const bytes = Buffer.from(input);
  if (chunk <= 0) return Readable.from([bytes]);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  return Readable.from(chunks);
}

function open(input: string | Uint8Array, options: Partial<typeof DEFAULTS> = {}, chunk = 0): CsvSource {
  return openCsvSource(streamOf(input, chunk), { ...DEFAULTS, ...options });
}

async function readAll(source: CsvSource): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of source.records) out.push(record);
  return out;
}

/** Reads until the source fails and returns the error (or throws when it does not fail). */
async function failure(source: CsvSource): Promise<CsvFormatError> {
  try {
    await readAll(source);
  } catch (error) {
    if (error instanceof CsvFormatError) return error;
    throw error;
  }
  throw new Error('expected the source to fail');
}

const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('openCsvSource: reading records', () => {
  it('reads a plain file record by record with 1-based lines, the header on line 1', async () => {
    const records = await readAll(open('id,name\n1,Ann\n2,Bob\n'));
    expect(records).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Ann'] },
      { line: 3, fields: ['2', 'Bob'] },
    ]);
  });

  it('reads the last record without a trailing line break', async () => {
    expect((await readAll(open('id\n1\n2'))).map((r) => r.fields)).toEqual([['id'], ['1'], ['2']]);
  });

  it('reads a gzip file to the same records as the plain file', async () => {
    const text = 'id,name\n1,Ann\n2,"B, ob"\n';
    const plain = await readAll(open(text));
    expect(await readAll(open(gzipSync(Buffer.from(text)), { gzip: true }))).toEqual(plain);
  });

  it('strips a UTF-8 byte order mark, plain or gzipped', async () => {
    const text = '\uFEFFid,name\n1,Ann\n';
    expect((await readAll(open(text)))[0]?.fields).toEqual(['id', 'name']);
    expect((await readAll(open(gzipSync(Buffer.from(text)), { gzip: true })))[0]?.fields).toEqual([
      'id',
      'name',
    ]);
  });

  it('reads CRLF line endings without leaving a carriage return in the last field', async () => {
    expect(await readAll(open('id,name\r\n1,Ann\r\n2,Bob\r\n'))).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Ann'] },
      { line: 3, fields: ['2', 'Bob'] },
    ]);
  });

  it('splits on a custom delimiter and leaves commas alone', async () => {
    expect((await readAll(open('id;price\n1;1,50\n', { delimiter: ';' }))).map((r) => r.fields)).toEqual([
      ['id', 'price'],
      ['1', '1,50'],
    ]);
    expect((await readAll(open('id\tname\n1\tA, B\n', { delimiter: '\t' })))[1]?.fields).toEqual([
      '1',
      'A, B',
    ]);
  });

  it('keeps the field count of short and long rows as found', async () => {
    expect((await readAll(open('a,b,c\n1,2\n1,2,3,4\n'))).map((r) => r.fields.length)).toEqual([3, 2, 4]);
  });

  it('unquotes fields and unescapes doubled quotes', async () => {
    expect((await readAll(open('a,b\n"x ""y""","1,2"\n')))[1]?.fields).toEqual(['x "y"', '1,2']);
  });

  it('gives a record with an embedded line break the line it starts on, and the next record its own', async () => {
    const records = await readAll(open('id,note\n1,"two\nlines"\n2,plain\n3,"three\nmore\nlines"\n4,end\n'));
    expect(records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'id'],
      [2, '1'],
      [4, '2'],
      [5, '3'],
      [8, '4'],
    ]);
    expect(records[1]?.fields[1]).toBe('two\nlines');
  });

  it('counts lines the same when the stream arrives in tiny chunks', async () => {
    const text = 'id,note\n1,"two\nlines"\n2,plain\n';
    expect(await readAll(open(text, {}, 3))).toEqual(await readAll(open(text)));
  });

  // csv-parse counts a CRLF inside a quoted field as two lines while csv-source subtracts one
  // per "\n", so the record and every record after it are reported one line too far down.
  it('gives the right lines around a quoted field with an embedded CRLF', async () => {
    const records = await readAll(open('id,note\r\n1,"two\r\nlines"\r\n2,plain\r\n'));
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('skips empty lines but still counts them in the line numbers', async () => {
    const records = await readAll(open('id,name\n\n1,Ann\n\n\n2,Bob\n\n'));
    expect(records).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 3, fields: ['1', 'Ann'] },
      { line: 6, fields: ['2', 'Bob'] },
    ]);
  });

  it('does not skip a line of blanks or of empty fields: they are records the caller judges', async () => {
    const records = await readAll(open('id,name\n   \n,\n1,Ann\n'));
    expect(records.slice(1)).toEqual([
      { line: 2, fields: ['   '] },
      { line: 3, fields: ['', ''] },
      { line: 4, fields: ['1', 'Ann'] },
    ]);
  });

  it('reads an empty input as no records', async () => {
    expect(await readAll(open(''))).toEqual([]);
  });
});

describe('openCsvSource: digest', () => {
  it('is the SHA-256 and size of the raw bytes', async () => {
    const text = 'id,name\r\n1,Ånn\r\n';
    const source = open(text, {}, 4);
    await readAll(source);
    expect(source.digest()).toEqual({ sha256: sha256(text), bytes: Buffer.byteLength(text) });
  });

  it('is the SHA-256 of the compressed bytes for a gzip file, BOM included', async () => {
    const gz = gzipSync(Buffer.from('\uFEFFid\n1\n'));
    const source = open(gz, { gzip: true }, 7);
    await readAll(source);
    expect(source.digest()).toEqual({ sha256: sha256(gz), bytes: gz.length });
  });

  it('is the digest of nothing for an empty input', async () => {
    const source = open('');
    await readAll(source);
    expect(source.digest()).toEqual({ sha256: sha256(''), bytes: 0 });
  });

  it('is not available before every record was read', async () => {
    const source = open('id\n1\n2\n');
    expect(() => source.digest()).toThrow(/only after every record was read/);
    const iterator = source.records[Symbol.asyncIterator]();
    await iterator.next();
    expect(() => source.digest()).toThrow(/only after every record was read/);
    await iterator.return?.();
  });

  it('is not available after the file failed', async () => {
    const source = open('id\n"1\n');
    await failure(source);
    expect(() => source.digest()).toThrow();
  });
});

describe('openCsvSource: files that cannot be read', () => {
  it("refuses plain bytes declared as gzip with rule 'gzip'", async () => {
    const error = await failure(open('id,name\n1,Ann\n', { gzip: true }));
    expect(error.rule).toBe('gzip');
    expect(error.message).toMatch(/not a valid gzip file/);
    expect(error.line).toBeUndefined();
  });

  it("refuses a truncated gzip with rule 'gzip'", async () => {
    const gz = gzipSync(Buffer.from(`id\n${'1\n'.repeat(1000)}`));
    const error = await failure(open(gz.subarray(0, gz.length - 10), { gzip: true }));
    expect(error.rule).toBe('gzip');
  });

  it("refuses a gzip that expands past maxDecompressedBytes with rule 'decompressed_size'", async () => {
    const text = `id,name\n${'1,Ann\n'.repeat(2000)}`;
    const gz = gzipSync(Buffer.from(text));
    expect(gz.length).toBeLessThan(1000);
    const error = await failure(open(gz, { gzip: true, maxDecompressedBytes: 1000 }));
    expect(error.rule).toBe('decompressed_size');
    expect(error.message).toMatch(/1000 bytes/);
    // The same file within the limit reads fine.
    expect(await readAll(open(gz, { gzip: true, maxDecompressedBytes: text.length }))).toHaveLength(2001);
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
    expect(await readAll(open('id,name\n1,5" screen\n'))).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', '5" screen'] },
    ]);
  });

  it('keeps text after a closing quote as a literal value', async () => {
    expect(await readAll(open('id,name\n1,"Ann"x\n'))).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', '"Ann"x'] },
    ]);
  });

  it("refuses a record longer than maxRecordChars with rule 'record_too_long' on its line", async () => {
    const error = await failure(open(`id,name\n1,${'x'.repeat(200)}\n`, { maxRecordChars: 100 }));
    expect(error.rule).toBe('record_too_long');
    expect(error.line).toBe(2);
    // A file without any line break is one long record.
    expect((await failure(open('y'.repeat(500), { maxRecordChars: 100 }))).rule).toBe('record_too_long');
  });

  it('passes on an error of the raw stream as it is', async () => {
    const boom = new Error('connection reset');
    const raw = new Readable({
      read() {
        this.destroy(boom);
      },
    });
    const source = openCsvSource(raw, DEFAULTS);
    await expect(readAll(source)).rejects.toBe(boom);
  });
});
