import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { DemoBatch } from '../../../shared/demo/generate-demo-batch';
import type { contracts, DatasetName, RowOfContract } from '../../../shared/domain/contracts/datasets';

/** Test helpers that read a demo batch back the way a partner's consumer would. */

export interface CsvRecord {
  /** 1-based line in the file; the header is line 1. */
  readonly line: number;
  readonly cells: Record<string, string>;
}

export interface CsvFile {
  readonly header: string[];
  readonly records: CsvRecord[];
}

/** The file's text, decompressed when its name ends in .gz. */
export function fileText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

export function readCsv(path: string): CsvFile {
  const text = fileText(path);
  const header = text.slice(0, text.indexOf('\n')).split(',');
  const records = parse(text, { columns: true }) as Record<string, string>[];
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (records.length === lines - 1)
    return { header, records: records.map((cells, i) => ({ line: i + 2, cells })) };
  // Some quoted cell spans lines: ask the parser where each record starts (twice as slow).
  const located = parse(text, { columns: true, info: true }) as {
    record: Record<string, string>;
    info: { lines: number };
  }[];
  return { header, records: located.map((p) => ({ line: p.info.lines, cells: p.record })) };
}

/** Every dataset of a batch, read through its manifest. */
export function readBatch(batch: DemoBatch, dir: string): Record<DatasetName, CsvFile> {
  const entries = batch.manifest.files.map((f) => [f.dataset, readCsv(join(dir, f.key))] as const);
  return Object.fromEntries(entries) as Record<DatasetName, CsvFile>;
}

/** A row of raw cells keyed by the dataset's column names. */
export type RawRow<D extends DatasetName> = Record<
  keyof RowOfContract<(typeof contracts)[D]> & string,
  string
>;

/** Rows of a dataset except the planted bad ones: what validation leaves. */
export function validRecords<D extends DatasetName>(
  batch: DemoBatch,
  files: Record<DatasetName, CsvFile>,
  dataset: D,
): RawRow<D>[] {
  const bad = new Set(batch.plantedBadRows.filter((b) => b.dataset === dataset).map((b) => b.line));
  return files[dataset].records.filter((r) => !bad.has(r.line)).map((r) => r.cells as RawRow<D>);
}

/** Whether a raw customer row consents to `channel`. */
export function consents(customer: RawRow<'customers'> | undefined, channel: string): boolean {
  return (customer as Record<string, string> | undefined)?.[`consent_${channel}`] === 'true';
}

/** Seconds since 1970 of a `YYYY-MM-DDTHH:MM:SS` timestamp without zone. */
export function seconds(ts: string): number {
  return Date.parse(`${ts}Z`) / 1000;
}

export function day(ts: string): number {
  return Math.floor(seconds(ts) / 86_400);
}
