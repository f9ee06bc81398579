import type { ManifestFile } from '../../contracts/manifest';

/**
 * One record of a partner file, whatever its format: raw cells keyed by source column, as text,
 * so that mapping and contract validation treat CSV, JSON Lines and Parquet alike.
 */
export interface SourceRecord {
  /** 1-based position: the line where a text record starts (the header is line 1), or the row number for Parquet. */
  readonly line: number;
  /** Raw cell text by source column; `undefined` where the record has no such field, `''` where it is empty. */
  readonly values: Readonly<Record<string, string | undefined>>;
  /** For a delimited record: its fields in file order, the same text `values` keys by column. */
  readonly fields?: readonly string[];
  /** For a delimited record whose field count differs from the header's: the count found. */
  readonly fieldCount?: number;
  /** Why the record could not be read as a whole (a line that is not JSON, bytes that are not text); the row is refused with this rule. */
  readonly problem?: RecordProblem;
}

/** A record-level reading failure: the row goes to quarantine, the rest of the file is still read. */
export interface RecordProblem {
  readonly rule: string;
  readonly message: string;
  /** The source column concerned, where there is one. */
  readonly column?: string;
  /** The offending text, possibly shortened, for the quarantine file. */
  readonly value?: string;
}

export interface RecordSource {
  /** Source column names in file order: the CSV header (or declared columns), the Parquet schema, the JSON keys of the first record. */
  readonly columns: readonly string[];
  /** The records in file order, a batch at a time (a chunk of text, a row group), so callers loop without awaiting per row. */
  readonly batches: AsyncIterable<readonly SourceRecord[]>;
  /** SHA-256 and size of the raw bytes as stored; final once `batches` has ended. */
  digest(): { sha256: string; bytes: number };
  /** Stops reading before the records end (a file refused on its header) and releases the object's stream. */
  close?(): void;
}

/** What a reader needs to know about a file; a subset of its manifest entry plus limits. */
export type SourceSpec = Pick<
  ManifestFile,
  'format' | 'compression' | 'encoding' | 'delimiter' | 'header' | 'columns'
> & {
  /** Refuse a compressed file that expands past this many bytes. */
  readonly maxDecompressedBytes: number;
  /** Refuse a single record longer than this many characters. */
  readonly maxRecordChars: number;
};

/** Why a file cannot be read at all; the whole file is rejected with this rule. */
export class SourceFormatError extends Error {
  public constructor(
    public readonly rule: string,
    message: string,
    public readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SourceFormatError';
  }
}
