import { once } from 'node:events';
import { parse } from 'csv-parse';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { CsvTokenizer } from '../domain/intake/readers/csv-tokenizer';
import { defuseFormula } from '../domain/planning/channel-export';
import type { S3Ref } from '../domain/runs/run-state';
import type { ObjectStore, VersionedRef } from '../ports/object-store';

/** Streams a CSV object with a header row as records keyed by column name. */
export async function* readCsvObjects(store: ObjectStore, ref: S3Ref): AsyncIterable<Record<string, string>> {
  const parser = (await store.read(ref)).pipe(parse({ columns: true, bom: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) yield record;
}

/** A record this long is not a feature row: most likely a quote that is never closed. */
const MAX_RECORD_CHARS = 1 << 20;

/**
 * Streams a CSV object's records as arrays of cells, the header row first, for the files the
 * engine reads by the million (feature rows). The intake tokenizer splits them: RFC 4180 quoting,
 * LF or CRLF line ends, a leading byte order mark, about ten times as fast as csv-parse, and without
 * an object per record. Empty lines are skipped; a record whose cell count differs from the
 * header's fails the read, as it does in `readCsvObjects`.
 */
export async function* readCsvRecords(store: ObjectStore, ref: VersionedRef): AsyncIterable<string[]> {
  const tokenizer = new CsvTokenizer({ delimiter: ',', maxRecordChars: MAX_RECORD_CHARS });
  const stream = await store.read(ref);
  stream.setEncoding('utf8');
  let width = -1;
  const check = (fields: string[], line: number): string[] => {
    if (width === -1) width = fields.length;
    else if (fields.length !== width) {
      throw new Error(
        `Invalid Record Length: columns length is ${width}, got ${fields.length} on line ${line} of s3://${ref.bucket}/${ref.key}`,
      );
    }
    return fields;
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    const { fields, lines } = tokenizer.push(chunk);
    for (let i = 0; i < fields.length; i++) yield check(fields[i] as string[], lines[i] as number);
  }
  const { fields, lines } = tokenizer.end();
  for (let i = 0; i < fields.length; i++) yield check(fields[i] as string[], lines[i] as number);
}

/**
 * The same text, not sharing memory with the record it was cut from. V8 may represent a cell as a
 * slice of the whole chunk of text it was read from, so a few cells kept from every chunk (a hash
 * sample's keys, a training set's contact ids) would otherwise keep the whole file in memory.
 */
export function detachedString(value: string): string {
  return ` ${value}`.slice(1);
}

/** Each name's position in a header row, -1 where the header lacks it. */
export function columnIndices(header: readonly string[], names: readonly string[]): number[] {
  return names.map((name) => header.indexOf(name));
}

/** A number from a result cell; empty (SQL NULL) becomes `fallback`. */
export function numberCell(value: string | undefined, fallback = Number.NaN): number {
  if (value === undefined || value === '') return fallback;
  return Number(value);
}

export function booleanCell(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/** Characters written to the upload at once: fewer, larger writes cost less than one per row. */
const WRITE_BATCH_CHARS = 1 << 16;

/** A string csv-stringify would write as it is: nothing to quote, nothing a spreadsheet evaluates. */
const PLAIN_STRING = /^[^=+\-@\t\r\n ",][^",\r\n]*$/;

/**
 * A row's CSV line, built directly when every cell is a number, a plain string (see PLAIN_STRING),
 * empty, null or undefined: then it is the line csv-stringify writes (a number as `'' + n`, null and
 * undefined as nothing). Undefined for any other row, which the caller leaves to csv-stringify.
 */
export function plainCsvLine(row: readonly unknown[], width: number): string | undefined {
  if (row.length !== width) return undefined;
  let line = '';
  for (let i = 0; i < width; i++) {
    const value = row[i];
    let cell: string;
    if (typeof value === 'number') cell = `${value}`;
    else if (typeof value === 'string') {
      if (value !== '' && !PLAIN_STRING.test(value)) return undefined;
      cell = value;
    } else if (value === undefined || value === null) cell = '';
    else return undefined;
    line = i === 0 ? cell : `${line},${cell}`;
  }
  return `${line}\n`;
}

/**
 * A string cell as `writeCsvObjects` writes it: defused against formulas, then quoted where
 * needed. Plain strings (see PLAIN_STRING) are returned as they are.
 */
export function csvTextCell(value: string): string {
  if (value === '' || PLAIN_STRING.test(value)) return value;
  return stringifySync([[value]], { cast: { string: neutraliseFormula } }).slice(0, -1);
}

/**
 * Writes rows as CSV through a streaming upload. Cells that a spreadsheet would evaluate are
 * prefixed with a quote, so an export opened in Excel cannot run a formula. Rows of numbers and
 * plain strings are formatted here (`plainCsvLine`); csv-stringify formats the header and every
 * other row, so the bytes are the ones csv-stringify alone would write.
 */
export async function writeCsvObjects(
  store: ObjectStore,
  ref: S3Ref,
  columns: readonly string[],
  rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
): Promise<{ rows: number; bytes: number }> {
  const options = { columns: [...columns], cast: { string: neutraliseFormula } };
  async function* lines(): AsyncIterable<string> {
    for await (const row of rows)
      yield plainCsvLine(row, columns.length) ?? stringifySync([row], { ...options, header: false });
  }
  return writeCsvLines(store, ref, columns, lines());
}

/**
 * Writes a CSV whose records the caller has formatted, each a line ending in `\n`, under the header
 * csv-stringify writes for `columns`. For rows of numbers by the million, written with
 * `csvTextCell` and `formatFixed`, where building a row array per record costs more than the
 * formatting.
 */
export async function writeCsvLines(
  store: ObjectStore,
  ref: S3Ref,
  columns: readonly string[],
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<{ rows: number; bytes: number }> {
  const writer = store.openWriter(ref, 'text/csv');
  const out = writer.stream;
  let count = 0;
  try {
    let batch = stringifySync([], {
      header: true,
      columns: [...columns],
      cast: { string: neutraliseFormula },
    });
    for await (const line of lines) {
      batch += line;
      count += 1;
      if (batch.length >= WRITE_BATCH_CHARS) {
        if (!out.write(batch)) await once(out as NodeJS.EventEmitter, 'drain');
        batch = '';
      }
    }
    if (batch !== '') out.write(batch);
    const { bytes } = await writer.finish();
    return { rows: count, bytes };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Every CSV the engine writes is defused the same way as the channel exports. */
export const neutraliseFormula = defuseFormula;
