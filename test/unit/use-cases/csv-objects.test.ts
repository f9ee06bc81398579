import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { S3Ref } from '#shared/domain/runs/run-state';
import type { ObjectWriter } from '#shared/ports/object-store';
import {
  csvTextCell,
  detachedString,
  neutraliseFormula,
  plainCsvLine,
  readCsvRecords,
  writeCsvObjects,
} from '#shared/use-cases/csv-objects';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';

const ref = { bucket: 'lake', key: 'features/table.csv' };

async function records(text: string, chunkSize: number): Promise<string[][]> {
  const store = new InMemoryObjectStore(chunkSize);
  store.put(ref.bucket, ref.key, text);
  const out: string[][] = [];
  for await (const cells of readCsvRecords(store, ref)) out.push(cells);
  return out;
}

const TABLES = [
  'customer_id,recency_days,monetary_365\nC1,3,10.5\nC2,,0\n',
  'a,b\r\n1,2\r\n3,4\r\n',
  '\ufeffa,b\n1,2\n3,4',
  'id,name,note\n1,"Smith, Ann","said ""hi"""\n2,"two\nlines",x\n3,"crlf\r\ninside",\n',
  'id,city\n1,Zürich\n2,Ærøskøbing\n3,東京\n',
  'only\nx\n\ny\n',
];

describe('readCsvRecords', () => {
  it.each(TABLES)('reads the records csv-parse reads, header first, at any chunk size (%#)', async (text) => {
    // csv-parse fails on an empty line inside a file; the reader skips it, as the intake tokenizer does.
    const expected = parse(text.replace('\n\n', '\n'), { bom: true }) as string[][];
    for (const chunkSize of [1, 3, 7, 64 * 1024]) expect(await records(text, chunkSize)).toEqual(expected);
  });

  it('fails a record with more or fewer cells than the header', async () => {
    await expect(records('a,b\n1,2\n3\n', 64)).rejects.toThrow(/columns length is 2, got 1 on line 3/);
    await expect(records('a,b\n1,2,3\n', 64)).rejects.toThrow(/columns length is 2, got 3 on line 2/);
  });

  it('reads an empty object as no records', async () => {
    expect(await records('', 64)).toEqual([]);
  });
});

const COLUMNS = ['customer_id', 'p', 'q', 'note'];

/** What csv-stringify alone writes for these rows, as writeCsvObjects did before its fast path. */
function stringified(rows: readonly (readonly unknown[])[]): string {
  return stringify(
    rows.map((r) => [...r]),
    { header: true, columns: COLUMNS, cast: { string: neutraliseFormula } },
  );
}

const ROWS: unknown[][] = [
  ['C1', 0.123456, 0, ''],
  ['C2', 1, -0, 'plain text'],
  ['C3', 1e-7, 1e21, Number.NaN],
  ['C4', -5, null, undefined],
  ['=SUM(A1)', 2, 3, '+x'],
  ['-1', '@home', '\tx', ' =x'],
  ['a,b', 'say "hi"', 'two\nlines', 'cr\rhere'],
  ['C8', true, false, 4],
  ['short row', 1],
  ['long', 1, 2, 3, 'dropped'],
  ['C11', new Date(0), { a: 1 }, 12n],
  ['Zürich', '東京', 'ok-dash-inside', 'x=y'],
];

describe('writeCsvObjects', () => {
  it('writes the bytes csv-stringify writes, formula defusing and quoting included', async () => {
    const store = new InMemoryObjectStore();
    const out = { bucket: 'lake', key: 'runs/r/scores.csv' };
    const written = await writeCsvObjects(store, out, COLUMNS, ROWS);
    expect(store.text(out.bucket, out.key)).toBe(stringified(ROWS));
    expect(written.rows).toBe(ROWS.length);
  });

  it('writes only the header when there are no rows', async () => {
    const store = new InMemoryObjectStore();
    const out = { bucket: 'lake', key: 'runs/r/empty.csv' };
    await writeCsvObjects(store, out, COLUMNS, []);
    expect(store.text(out.bucket, out.key)).toBe('customer_id,p,q,note\n');
  });

  it('writes every row when the upload is slower than the rows come', async () => {
    // A writer that drains slowly, as an S3 multipart upload does: the CSV must wait, not drop rows.
    const store = new InMemoryObjectStore();
    const slowWriter = (target: S3Ref): ObjectWriter => {
      const inner = store.openWriter(target, 'text/csv');
      const stream = new PassThrough({ highWaterMark: 256 });
      const pumped = (async () => {
        for await (const chunk of stream) {
          await sleep(1);
          if (!inner.stream.write(chunk as Buffer)) await sleep(0);
        }
      })();
      return {
        stream,
        finish: async () => {
          stream.end();
          await pumped;
          return inner.finish();
        },
        abort: () => inner.abort(),
      };
    };
    const slowStore = Object.assign(Object.create(store) as InMemoryObjectStore, { openWriter: slowWriter });
    const rows = Array.from({ length: 20_000 }, (_, i) => [`C${i}`, i / 7, i, 'x']);
    const out = { bucket: 'lake', key: 'runs/r/slow.csv' };
    await writeCsvObjects(slowStore, out, COLUMNS, rows);
    expect(store.text(out.bucket, out.key)).toBe(stringified(rows));
  });
});

describe('plainCsvLine', () => {
  it('leaves to csv-stringify every row it cannot write as it is', () => {
    expect(plainCsvLine(['C1', 0.5, '', null], 4)).toBe('C1,0.5,,\n');
    for (const row of [
      ['=1', 1, 1, 1],
      ['-1', 1, 1, 1],
      [' x', 1, 1, 1],
      ['a"b', 1, 1, 1],
      ['a', 1, 1, true],
      ['a', 1, 1],
    ])
      expect(plainCsvLine(row, 4)).toBeUndefined();
  });
});

describe('csvTextCell', () => {
  it('writes a string cell as writeCsvObjects does', () => {
    for (const value of [
      'C1',
      '',
      '=1',
      '-1',
      ' +x',
      '@a',
      'a,b',
      'say "hi"',
      'two\nlines',
      'Zürich',
      'x=y',
    ]) {
      const expected = stringify([[value]], { cast: { string: neutraliseFormula } }).slice(0, -1);
      expect(csvTextCell(value)).toBe(expected);
    }
  });
});

describe('detachedString', () => {
  it('is the same text', () => {
    const text = `C123456789@2026-08-03,${'x'.repeat(1000)}`;
    for (const cell of [text.slice(0, text.indexOf(',')), '', 'C1', text])
      expect(detachedString(cell)).toBe(cell);
  });
});
