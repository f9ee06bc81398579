import { describe, expect, it } from 'vitest';
import type { LakeColumn } from '#shared/domain/lake/catalog';
import { ColumnBatchBuilder, epochDayOf } from '#shared/domain/lake/column-batch';
import { encodeColumnBatch } from '#shared/domain/lake/parquet-encoding';
import { readParquet } from './duckdb';

const COLUMNS: readonly LakeColumn[] = [
  { name: 'id', storage: 'string', comment: '', required: true },
  { name: 'n', storage: 'int', comment: '', required: true },
  { name: 'x', storage: 'double', comment: '' },
  { name: 'day', storage: 'date', comment: '' },
  { name: 'at', storage: 'timestamp', comment: '', required: true },
  { name: 'ok', storage: 'boolean', comment: '' },
];

describe('ColumnBatchBuilder', () => {
  it('holds numbers in typed arrays, with a validity mask only where a value may be missing', () => {
    const builder = new ColumnBatchBuilder(COLUMNS, 1);
    builder.add({ id: 'a', n: 1, x: 0.5, day: '1970-01-02', at: 1_000, ok: true });
    builder.add({ id: 'b', n: -2, x: null, day: null, at: -1, ok: null });
    builder.add({ id: 'c', n: 3, at: 5 }); // absent optional columns are nulls
    const batch = builder.take();
    expect(batch.length).toBe(3);
    const [id, n, x, day, at, ok] = batch.vectors;
    expect(id).toEqual({
      kind: 'utf8',
      offsets: new Int32Array([0, 1, 2, 3]),
      bytes: new Uint8Array([97, 98, 99]),
    });
    expect(n).toEqual({ kind: 'int32', values: new Int32Array([1, -2, 3]) });
    expect(x).toEqual({
      kind: 'float64',
      values: new Float64Array([0.5, 0, 0]),
      valid: new Uint8Array([1, 0, 0]),
    });
    expect(day).toEqual({
      kind: 'int32',
      values: new Int32Array([1, 0, 0]),
      valid: new Uint8Array([1, 0, 0]),
    });
    expect(at).toEqual({ kind: 'float64', values: new Float64Array([1_000, -1, 5]) });
    expect(ok).toEqual({
      kind: 'boolean',
      values: new Uint8Array([1, 0, 0]),
      valid: new Uint8Array([1, 0, 0]),
    });
  });

  it('holds text as UTF-8 bytes with offsets, any character, and empty text apart from missing text', () => {
    const columns: LakeColumn[] = [{ name: 'note', storage: 'string', comment: '' }];
    const builder = new ColumnBatchBuilder(columns, 1);
    for (const note of ['Grüße', '', null, '€ 5', 'x'.repeat(40)]) builder.add({ note });
    const [note] = builder.take().vectors;
    if (note?.kind !== 'utf8') throw new Error('not utf8');
    const text = (i: number) =>
      new TextDecoder().decode(note.bytes.subarray(note.offsets[i], note.offsets[i + 1]));
    expect([0, 1, 2, 3, 4].map(text)).toEqual(['Grüße', '', '', '€ 5', 'x'.repeat(40)]);
    expect(note.valid).toEqual(new Uint8Array([1, 1, 0, 1, 1]));
  });

  it('hands the taken batch its own arrays: rows added afterwards do not change it', () => {
    const builder = new ColumnBatchBuilder(COLUMNS, 2);
    builder.add({ id: 'a', n: 1, at: 1 });
    const first = builder.take();
    builder.add({ id: 'b', n: 2, at: 2 });
    expect(first.vectors[1]).toEqual({ kind: 'int32', values: new Int32Array([1]) });
    expect(builder.take().vectors[1]).toEqual({ kind: 'int32', values: new Int32Array([2]) });
    expect(builder.length).toBe(0);
  });

  it('refuses a row without a required value, which validation should have refused first', () => {
    const builder = new ColumnBatchBuilder(COLUMNS);
    expect(() => builder.add({ id: 'a', n: null, at: 1 })).toThrow(/n is required/);
  });

  it('counts epoch days for dates either side of 1970 and in leap years', () => {
    expect(epochDayOf('1970-01-01')).toBe(0);
    expect(epochDayOf('1969-12-31')).toBe(-1);
    expect(epochDayOf('2024-02-29')).toBe(19_782);
    expect(() => epochDayOf('2024/02/29')).toThrow(/not an ISO date/);
  });

  it('encodes to Parquet that DuckDB reads back row for row, growing past its first capacity', async () => {
    const builder = new ColumnBatchBuilder(COLUMNS, 1);
    const rows = Array.from({ length: 1_000 }, (_, i) => ({
      id: `r${i}`,
      n: i,
      x: i % 3 === 0 ? null : i / 4,
      day: i % 5 === 0 ? null : '2026-02-28',
      at: Date.UTC(2026, 0, 1) + i * 1_000,
      ok: i % 7 === 0 ? null : i % 2 === 0,
    }));
    for (const row of rows) builder.add(row);
    const { rows: back, types } = await readParquet(encodeColumnBatch(COLUMNS, builder.take()));
    expect(types).toEqual({
      id: 'VARCHAR',
      n: 'INTEGER',
      x: 'DOUBLE',
      day: 'DATE',
      at: 'TIMESTAMP',
      ok: 'BOOLEAN',
    });
    expect(back).toHaveLength(1_000);
    expect(back[3]).toEqual({
      id: 'r3',
      n: 3,
      x: null,
      day: '2026-02-28',
      at: '2026-01-01 00:00:03',
      ok: false,
    });
    expect(back[10]).toEqual({ id: 'r10', n: 10, x: 2.5, day: null, at: '2026-01-01 00:00:10', ok: true });
  });

  it('is reused after take, growing again from its first capacity, with the same vectors as a fresh builder', () => {
    const rowsOf = (from: number, count: number) =>
      Array.from({ length: count }, (_, k) => {
        const i = from + k;
        return {
          id: i % 11 === 0 ? `é${i}` : `r${i}`,
          n: i,
          x: i % 3 === 0 ? null : i / 4,
          day: i % 5 === 0 ? null : '2026-02-28',
          at: i,
          ok: i % 7 === 0 ? null : i % 2 === 0,
        };
      });
    const reused = new ColumnBatchBuilder(COLUMNS, 2);
    for (const row of rowsOf(0, 37)) reused.add(row);
    reused.take();
    for (const row of rowsOf(100, 300)) reused.add(row);
    const fresh = new ColumnBatchBuilder(COLUMNS, 1024);
    for (const row of rowsOf(100, 300)) fresh.add(row);
    expect(reused.take()).toEqual(fresh.take());
  });
});
