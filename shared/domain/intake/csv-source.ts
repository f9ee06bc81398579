import { createHash } from 'node:crypto';
import { PassThrough, type Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';

export interface CsvSourceOptions {
  readonly gzip: boolean;
  readonly delimiter: string;
  /** Refuse a gzip that expands past this many bytes (a decompression bomb). */
  readonly maxDecompressedBytes: number;
  /** Refuse a single record longer than this many characters (e.g. a file without line breaks). */
  readonly maxRecordChars: number;
}

export interface CsvRecord {
  /** 1-based line where the record starts in the decompressed file; the header is line 1. */
  readonly line: number;
  readonly fields: string[];
}

/** Why a file cannot be read at all; the use case turns it into a rejection of the whole file. */
export class CsvFormatError extends Error {
  public constructor(
    public readonly rule: string,
    message: string,
    public readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CsvFormatError';
  }
}

export interface CsvSource {
  readonly records: AsyncIterable<CsvRecord>;
  /** SHA-256 and size of the raw bytes as stored (compressed bytes for gzip); final once records end. */
  digest(): { sha256: string; bytes: number };
}

class ByteCap extends Transform {
  private seen = 0;

  public constructor(private readonly cap: number) {
    super();
  }

  public override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.cap) {
      done(
        new CsvFormatError(
          'decompressed_size',
          `expands past the limit of ${this.cap} bytes when decompressed`,
        ),
      );
      return;
    }
    done(null, chunk);
  }
}

const CSV_RULES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated_quote',
  INVALID_OPENING_QUOTE: 'invalid_quote',
  CSV_INVALID_CLOSING_QUOTE: 'invalid_quote',
  CSV_MAX_RECORD_SIZE: 'record_too_long',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'invalid_quote',
};

/**
 * Streams a CSV object record by record in constant memory, hashing the raw bytes on the way.
 * Records keep their field count as found; the caller decides what a short or long row means.
 */
export function openCsvSource(raw: Readable, options: CsvSourceOptions): CsvSource {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new PassThrough();
  let first = true;
  tap.on('data', (chunk: Buffer) => {
    if (first && !options.gzip && chunk[0] === 0x1f && chunk[1] === 0x8b) {
      tap.destroy(
        new CsvFormatError('gzip', 'the file is gzip-compressed but the manifest says compression none'),
      );
      return;
    }
    first = false;
    hash.update(chunk);
    bytes += chunk.length;
  });
  raw.on('error', (error) => tap.destroy(error));
  raw.pipe(tap);

  let text: Readable = tap;
  if (options.gzip) {
    const gunzip = createGunzip();
    const cap = new ByteCap(options.maxDecompressedBytes);
    gunzip.on('error', (error) =>
      cap.destroy(
        new CsvFormatError('gzip', `is not a valid gzip file: ${error.message}`, undefined, { cause: error }),
      ),
    );
    tap.pipe(gunzip).pipe(cap);
    text = cap;
  }

  const parser = parse({
    bom: true,
    delimiter: options.delimiter,
    relax_column_count: true,
    // A stray quote inside an unquoted value (5" screen) is data, not a broken file.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: options.maxRecordChars,
    info: true,
  });
  text.on('error', (error) => parser.destroy(error));
  text.pipe(parser);

  let digest: { sha256: string; bytes: number } | undefined;
  let crlfDrift = 0;
  async function* records(): AsyncIterable<CsvRecord> {
    try {
      for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        // info.lines is where the record ended; a quoted field may span lines, so count back.
        // info.lines is where the record ended, and csv-parse counts a quoted CRLF as two lines:
        // count the record's own breaks back, and every quoted CRLF so far as one.
        const text = item.record.join('');
        const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
        crlfDrift += text.match(/\r\n/g)?.length ?? 0;
        yield { line: item.info.lines - crlfDrift - breaks, fields: item.record };
      }
    } catch (error) {
      if (error instanceof CsvFormatError) throw error;
      if (error instanceof CsvError) {
        const line = (error as CsvError & { lines?: number }).lines;
        throw new CsvFormatError(CSV_RULES[error.code] ?? 'csv_syntax', error.message, line, {
          cause: error,
        });
      }
      throw error;
    }
    digest = { sha256: hash.digest('hex'), bytes };
  }

  return {
    records: records(),
    digest: () => {
      if (!digest) throw new Error('the digest is known only after every record was read');
      return digest;
    },
  };
}
