import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvWriter, csvCell } from '../../../shared/demo/csv-writer';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-writer-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('csvCell', () => {
  it('quotes only cells holding a delimiter, quote or line break', () => {
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(2.5)).toBe('2.5');
    expect(csvCell(false)).toBe('false');
  });
});

describe('CsvWriter', () => {
  async function write(name: string, gzip: boolean, rows: number) {
    const writer = new CsvWriter(join(dir, name), ['id', 'note'], gzip);
    expect(writer.nextLine).toBe(2);
    for (let i = 0; i < rows; i++) {
      writer.row([i, i % 7 === 0 ? 'with, comma' : 'x']);
      if (i % 1000 === 0) await writer.pace();
    }
    return writer.close();
  }

  it('writes the header and rows, and reports row count, size and checksum of the bytes on disk', async () => {
    // Far more than the stream buffers, so the writer has to wait for the streams to drain.
    const rows = 300_000;
    const plain = await write('big.csv', false, rows);
    const zipped = await write('big.csv.gz', true, rows);
    const plainBytes = readFileSync(plain.path);
    const zippedBytes = readFileSync(zipped.path);
    expect(plain.rows).toBe(rows);
    expect(zipped.rows).toBe(rows);
    expect(plain.bytes).toBe(plainBytes.length);
    expect(zipped.bytes).toBe(zippedBytes.length);
    expect(plain.sha256).toBe(createHash('sha256').update(plainBytes).digest('hex'));
    expect(zipped.sha256).toBe(createHash('sha256').update(zippedBytes).digest('hex'));
    // Buffer.equals: a deep toEqual over megabytes is slow.
    expect(gunzipSync(zippedBytes).equals(plainBytes)).toBe(true);
    const lines = plainBytes.toString('utf8').split('\n');
    expect(lines.slice(0, 3)).toEqual(['id,note', '0,"with, comma"', '1,x']);
    expect(lines).toHaveLength(rows + 2); // header, rows, and the empty string after the last \n
  });
});
