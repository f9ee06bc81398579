import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jsonCellText, MAX_LEADING_BROKEN_LINES, openJsonlSource } from '#shared/domain/intake/readers/jsonl';
import {
  type RecordSource,
  SourceFormatError,
  type SourceRecord,
  type SourceSpec,
} from '#shared/domain/intake/readers/record-source';

const DEFAULTS: SourceSpec = {
  format: 'jsonl',
  compression: 'none',
  encoding: 'utf-8',
  delimiter: ',',
  header: true,
  maxDecompressedBytes: 1_000_000,
  maxRecordChars: 10_000,
};

function streamOf(input: string | Uint8Array, chunk = 0): Readable {
  const bytes = Buffer.from(input);
  if (chunk <= 0) return Readable.from([bytes]);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  return Readable.from(chunks);
}

const open = (
  input: string | Uint8Array,
  options: Partial<SourceSpec> = {},
  chunk = 0,
): Promise<RecordSource> => openJsonlSource(streamOf(input, chunk), { ...DEFAULTS, ...options });

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

const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('openJsonlSource: reading records', () => {
  it('reads one object per line, columns from the first object, lines counted from 1', async () => {
    const source = await open('{"id":"C1","name":"Ann"}\n{"id":"C2","name":"Bob"}\n');
    expect(source.columns).toEqual(['id', 'name']);
    expect(await readAll(source)).toEqual([
      { line: 1, values: { id: 'C1', name: 'Ann' } },
      { line: 2, values: { id: 'C2', name: 'Bob' } },
    ]);
  });

  it('turns values into cell text: numbers and booleans as written, null as empty, nested values as JSON', async () => {
    const line = JSON.stringify({
      s: ' text ',
      i: 42,
      f: 10.5,
      neg: -0.25,
      exp: 1.5e-7,
      t: true,
      no: false,
      nil: null,
      obj: { a: [1, 'x'], b: null },
      arr: [1, 2],
      empty: '',
    });
    expect(await readAll(open(`${line}\n`))).toEqual([
      {
        line: 1,
        values: {
          s: ' text ',
          i: '42',
          f: '10.5',
          neg: '-0.25',
          exp: '1.5e-7',
          t: 'true',
          no: 'false',
          nil: '',
          obj: '{"a":[1,"x"],"b":null}',
          arr: '[1,2]',
          empty: '',
        },
      },
    ]);
  });

  it('reads a key a record lacks as undefined and keeps keys the first object did not have', async () => {
    const records = await readAll(open('{"a":"1","b":"2"}\n{"a":"3"}\n{"a":"4","b":"5","c":"6"}\n'));
    expect(records.map((r) => r.values)).toEqual([
      { a: '1', b: '2' },
      { a: '3' },
      { a: '4', b: '5', c: '6' },
    ]);
    expect(records[1]?.values.b).toBeUndefined();
  });

  it('skips blank lines and lines of blanks, still counting them', async () => {
    const records = await readAll(open('\n{"a":"1"}\n\n   \r\n{"a":"2"}\r\n\n'));
    expect(records.map((r) => [r.line, r.values.a])).toEqual([
      [2, '1'],
      [5, '2'],
    ]);
  });

  it('reads the last line without a line break, a CRLF file and a byte order mark', async () => {
    expect((await readAll(open('\uFEFF{"a":"1"}\r\n{"a":"2"}'))).map((r) => r.values)).toEqual([
      { a: '1' },
      { a: '2' },
    ]);
  });

  it('yields a line that is not JSON as a record with a json problem and the text, and reads on', async () => {
    const records = await readAll(open('{"a":"1"}\n{"a": "2",\n[1,2]\n"text"\nnull\n{"a":"6"}\n'));
    expect(records.map((r) => [r.line, r.problem?.rule ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'json'],
      [3, 'json'],
      [4, 'json'],
      [5, 'json'],
      [6, 'ok'],
    ]);
    expect(records[1]).toMatchObject({ line: 2, values: {}, problem: { rule: 'json', value: '{"a": "2",' } });
    expect(records[1]?.problem?.message).toMatch(/^is not valid JSON: /);
    expect(records[2]?.problem).toEqual({ rule: 'json', message: 'is not a JSON object', value: '[1,2]' });
  });

  it('shortens the text of a long broken line kept for quarantine', async () => {
    const [record] = await readAll(open(`{"a":"${'x'.repeat(500)}\n`));
    expect(record?.problem?.value).toBe(`{"a":"${'x'.repeat(194)}…`);
  });

  it('takes the columns from the first object after leading broken lines, and yields those lines first', async () => {
    const source = await open('oops\n\n{"id":"1"}\n');
    expect(source.columns).toEqual(['id']);
    expect((await readAll(source)).map((r) => [r.line, r.problem?.rule ?? 'ok'])).toEqual([
      [1, 'json'],
      [3, 'ok'],
    ]);
  });

  it(`gives up on a file whose first ${MAX_LEADING_BROKEN_LINES} lines are none a JSON object`, async () => {
    const error = await failure(open('x\n'.repeat(MAX_LEADING_BROKEN_LINES + 5)));
    expect(error).toMatchObject({ rule: 'json', line: MAX_LEADING_BROKEN_LINES });
    // One object among them is enough.
    const mostlyBroken = `${'x\n'.repeat(MAX_LEADING_BROKEN_LINES - 1)}{"a":"1"}\n`;
    expect(await readAll(open(mostlyBroken))).toHaveLength(MAX_LEADING_BROKEN_LINES);
  });

  it('refuses, row by row, an integer too large to read exactly', async () => {
    const [record] = await readAll(open('{"id": 12345678901234567890, "n": 9007199254740991}\n'));
    expect(record?.problem).toEqual({
      rule: 'json',
      column: 'id',
      value: '12345678901234567000',
      message: 'id is an integer too large to read exactly; send it as a JSON string',
    });
    expect(record?.values.n).toBe('9007199254740991');
  });

  it('keeps a "__proto__" key as data', async () => {
    const [record] = await readAll(open('{"__proto__": "x", "a": "1"}\n'));
    expect(Object.keys(record?.values ?? {})).toEqual(['__proto__', 'a']);
  });

  it('reads an empty file, or one of blank lines, as no columns and no records', async () => {
    for (const text of ['', '\n\n  \n']) {
      const source = await open(text);
      expect(source.columns).toEqual([]);
      expect(await readAll(source)).toEqual([]);
    }
  });

  it('reads gzip, Latin-1 and multi-byte UTF-8 split across chunks', async () => {
    const text = '{"name":"Zoë 😀"}\n{"name":"Ångström"}\n';
    const gz = gzipSync(Buffer.from(text));
    expect((await readAll(open(gz, { compression: 'gzip' }, 3))).map((r) => r.values.name)).toEqual([
      'Zoë 😀',
      'Ångström',
    ]);
    const latin1 = Buffer.from([...Buffer.from('{"name":"caf'), 0xe9, ...Buffer.from('"}\n')]);
    expect((await readAll(open(latin1, { encoding: 'latin1' })))[0]?.values.name).toBe('café');
  });
});

describe('openJsonlSource: digest and limits', () => {
  it('is the SHA-256 of the bytes as stored, compressed or not', async () => {
    const text = '{"a":"1"}\n{"a":"2"}\n';
    const plain = await open(text, {}, 5);
    await readAll(plain);
    expect(plain.digest()).toEqual({ sha256: sha256(text), bytes: text.length });
    const gz = gzipSync(Buffer.from(text));
    const zipped = await open(gz, { compression: 'gzip' });
    expect(() => zipped.digest()).toThrow(/only after every record was read/);
    await readAll(zipped);
    expect(zipped.digest()).toEqual({ sha256: sha256(gz), bytes: gz.length });
  });

  it("refuses a line longer than maxRecordChars with rule 'record_too_long' on its line", async () => {
    const error = await failure(open(`{"a":"1"}\n{"a":"${'x'.repeat(200)}"}\n`, { maxRecordChars: 100 }));
    expect(error).toMatchObject({ rule: 'record_too_long', line: 2 });
  });

  it('refuses a file without line breaks as soon as it is too long, without reading it all', async () => {
    let pushed = 0;
    const endless = new Readable({
      read() {
        pushed += 1;
        this.push('x'.repeat(1000));
      },
    });
    const error = await failure(openJsonlSource(endless, { ...DEFAULTS, maxRecordChars: 10_000 }));
    expect(error).toMatchObject({ rule: 'record_too_long', line: 1 });
    expect(pushed).toBeLessThan(100);
  });

  it('refuses gzip past the cap, gzip that is not, undeclared gzip and bytes that are not UTF-8', async () => {
    const text = `${'{"a":"1"}\n'.repeat(500)}`;
    const gz = gzipSync(Buffer.from(text));
    expect((await failure(open(gz, { compression: 'gzip', maxDecompressedBytes: 1000 }))).rule).toBe(
      'decompressed_size',
    );
    expect((await failure(open(text, { compression: 'gzip' }))).rule).toBe('gzip');
    expect((await failure(open(gz))).rule).toBe('gzip');
    const bad = Buffer.from([...Buffer.from('{"a":"1"}\n{"a":"caf'), 0xe9, ...Buffer.from('"}\n')]);
    expect(await failure(open(bad))).toMatchObject({ rule: 'encoding', line: 2 });
  });
});

describe('jsonCellText', () => {
  it('writes each JSON value as cell text', () => {
    expect([null, 'a', 0, -1.5, true, false, [], {}].map(jsonCellText)).toEqual([
      '',
      'a',
      '0',
      '-1.5',
      'true',
      'false',
      '[]',
      '{}',
    ]);
  });
});
