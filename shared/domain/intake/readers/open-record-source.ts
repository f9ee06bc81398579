import type { Readable } from 'node:stream';
import { openCsvSource } from './csv';
import { openJsonlSource } from './jsonl';
import { openParquetSource } from './parquet';
import type { RecordSource, SourceSpec } from './record-source';

/** One stored object as the readers see it, pinned to the version being validated. */
export interface SourceInput {
  /** The whole object as a stream (text formats, and the checksum of every format). */
  stream(): Promise<Readable>;
  /** Object size and ranged reads (Parquet reads its footer first). */
  readonly size: number;
  readRange(start: number, end: number): Promise<Uint8Array>;
}

/**
 * Opens a partner file in its declared format. The columns are known once this resolves (the
 * header, the manifest's columns, the Parquet schema or the first JSON object's keys); a file
 * that cannot be read at all fails with a SourceFormatError, here or while its records are read.
 */
export async function openRecordSource(input: SourceInput, spec: SourceSpec): Promise<RecordSource> {
  switch (spec.format) {
    case 'csv':
      return openCsvSource(await input.stream(), spec);
    case 'jsonl':
      return openJsonlSource(await input.stream(), spec);
    case 'parquet':
      return openParquetSource(input, spec);
  }
}
