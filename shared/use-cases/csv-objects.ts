import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { defuseFormula } from '../domain/planning/channel-export';
import type { S3Ref } from '../domain/runs/run-state';
import type { ObjectStore } from '../ports/object-store';

/** Streams a CSV object with a header row as records keyed by column name. */
export async function* readCsvObjects(store: ObjectStore, ref: S3Ref): AsyncIterable<Record<string, string>> {
  const parser = (await store.read(ref)).pipe(parse({ columns: true, bom: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) yield record;
}

/** A number from a result cell; empty (SQL NULL) becomes `fallback`. */
export function numberCell(value: string | undefined, fallback = Number.NaN): number {
  if (value === undefined || value === '') return fallback;
  return Number(value);
}

export function booleanCell(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/**
 * Writes rows as CSV through a streaming upload. Cells that a spreadsheet would evaluate are
 * prefixed with a quote, so an export opened in Excel cannot run a formula.
 */
export async function writeCsvObjects(
  store: ObjectStore,
  ref: S3Ref,
  columns: readonly string[],
  rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
): Promise<{ rows: number; bytes: number }> {
  const writer = store.openWriter(ref, 'text/csv');
  const csv = stringify({ header: true, columns: [...columns], cast: { string: neutraliseFormula } });
  csv.pipe(writer.stream as NodeJS.WritableStream);
  let count = 0;
  try {
    for await (const row of rows) {
      if (!csv.write(row)) await new Promise<void>((resolve) => csv.once('drain', () => resolve()));
      count += 1;
    }
    await new Promise<void>((resolve, reject) => {
      csv.once('error', reject);
      csv.end(() => resolve());
    });
    const { bytes } = await writer.finish();
    return { rows: count, bytes };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Every CSV the engine writes is defused the same way as the channel exports. */
export const neutraliseFormula = defuseFormula;
