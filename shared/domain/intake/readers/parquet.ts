import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  type AsyncBuffer,
  type Compressors,
  type FileMetaData,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
  snappyUncompress,
} from 'hyparquet';
import { isDateColumn, NotUtf8, parquetCellText, strictTextParsers } from './parquet-values';
import { type RecordSource, SourceFormatError, type SourceRecord, type SourceSpec } from './record-source';

/** What the Parquet reader needs of an object: its size, ranged reads, and one full pass for the checksum. */
export interface ParquetInput {
  readonly size: number;
  stream(): Promise<Readable>;
  readRange(start: number, end: number): Promise<Uint8Array>;
}

const MAGIC = 'PAR1';
/** The footer is usually a few kilobytes; hyparquet fetches more in a second read when it is not. */
const FOOTER_FETCH = 64 * 1024;

function notParquet(message: string, cause?: unknown): SourceFormatError {
  return new SourceFormatError('parquet', message, undefined, cause === undefined ? undefined : { cause });
}

/**
 * hyparquet reads through an AsyncBuffer, which asks for ArrayBuffers (a ranged read may be a view
 * on a larger one). A failed read is remembered so that it is passed on as it is, not taken for a
 * damaged file.
 */
class RangedFile implements AsyncBuffer {
  public readFailure: unknown;

  public constructor(private readonly input: ParquetInput) {}

  public get byteLength(): number {
    return this.input.size;
  }

  public async slice(start: number, end = this.input.size): Promise<ArrayBuffer> {
    let bytes: Uint8Array;
    try {
      bytes = await this.input.readRange(start, end);
    } catch (error) {
      this.readFailure ??= error;
      throw error;
    }
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
  }

  /** The error to pass on for a failure of hyparquet: the read failure behind it, else a damaged file. */
  public failure(error: unknown, what: string): unknown {
    if (this.readFailure !== undefined) return this.readFailure;
    if (error instanceof SourceFormatError) return error;
    return notParquet(`${what}: ${(error as Error).message}`, error);
  }
}

/**
 * Decompressors that count what they produce against the cap, so a page that claims (or expands
 * to) more than the file may hold fails before its memory is taken. ZSTD and LZ4 are not here:
 * hyparquet names the codec in its error, which reaches the partner.
 */
export function cappedCompressors(cap: number): Compressors {
  let produced = 0;
  const claim = (length: number) => {
    produced += length;
    if (produced > cap) {
      throw new SourceFormatError(
        'decompressed_size',
        `expands past the limit of ${cap} bytes when decompressed`,
      );
    }
  };
  return {
    SNAPPY: (input, length) => {
      claim(length);
      const output = new Uint8Array(length);
      snappyUncompress(input, output);
      return output;
    },
    GZIP: (input, length) => {
      claim(length);
      return gunzipSync(input, { maxOutputLength: Math.max(length, 1) });
    },
    BROTLI: (input, length) => {
      claim(length);
      return brotliDecompressSync(input, { maxOutputLength: Math.max(length, 1) });
    },
  };
}

async function sha256Of(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function readMetadata(input: ParquetInput, file: RangedFile): Promise<FileMetaData> {
  const head = Buffer.from(await input.readRange(0, Math.min(input.size, MAGIC.length)));
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new SourceFormatError(
      'gzip',
      'the file is gzip-compressed; a Parquet file must be uploaded as it is',
    );
  }
  if (head.toString('latin1') !== MAGIC) {
    throw notParquet('the file does not start with the Parquet magic bytes PAR1: it is not a Parquet file');
  }
  try {
    return await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH });
  } catch (error) {
    throw file.failure(error, 'the Parquet footer cannot be read; the file is truncated or damaged');
  }
}

/**
 * Reads a Parquet object row group by row group through ranged reads, so memory holds one row
 * group, never the file; each row group is one batch. Values become cell text like a CSV cell's; the checksum still covers
 * every byte: the object is streamed once through SHA-256 while the row groups are decoded.
 */
export async function openParquetSource(input: ParquetInput, spec: SourceSpec): Promise<RecordSource> {
  if (input.size === 0) {
    const empty = await sha256Of(await input.stream());
    const none: SourceRecord[][] = [];
    return {
      columns: [],
      batches: (async function* () {
        yield* none;
      })(),
      digest: () => empty,
    };
  }
  let digest: { sha256: string; bytes: number } | undefined;
  const file = new RangedFile(input);
  const metadata = await readMetadata(input, file);
  const uncompressed = metadata.row_groups.reduce((sum, group) => sum + Number(group.total_byte_size), 0);
  if (uncompressed > spec.maxDecompressedBytes) {
    throw new SourceFormatError(
      'decompressed_size',
      `holds ${uncompressed} bytes of data uncompressed, past the limit of ${spec.maxDecompressedBytes} bytes`,
    );
  }
  const fields = parquetSchema(metadata).children.map((c) => c.element);
  const columns = fields.map((f) => f.name);
  const dates = new Set(fields.filter(isDateColumn).map((f) => f.name));
  const compressors = cappedCompressors(spec.maxDecompressedBytes);
  const parsers = strictTextParsers();

  const toRecord = (row: Record<string, unknown>, line: number): SourceRecord => {
    let chars = 0;
    let problem: SourceRecord['problem'];
    const values = Object.fromEntries(
      columns.map((name) => {
        const value = row[name];
        if (value instanceof NotUtf8 && !problem) {
          problem = {
            rule: 'encoding',
            column: name,
            message: `${name} holds bytes that are not UTF-8 text`,
          };
        }
        const text = parquetCellText(value, dates.has(name));
        chars += text.length;
        return [name, text];
      }),
    );
    if (chars > spec.maxRecordChars) {
      throw new SourceFormatError(
        'record_too_long',
        `row ${line} is longer than the limit of ${spec.maxRecordChars} characters`,
        line,
      );
    }
    return problem ? { line, values, problem } : { line, values };
  };

  let stream: Readable | undefined;
  async function* batches(): AsyncGenerator<SourceRecord[]> {
    // Hashing starts only once rows are wanted: a file refused on its schema is not downloaded whole.
    stream = await input.stream();
    const hashing = sha256Of(stream);
    hashing.catch(() => undefined);
    try {
      let start = 0;
      for (const [index, group] of metadata.row_groups.entries()) {
        const end = start + Number(group.num_rows);
        let rows: Record<string, unknown>[];
        try {
          rows = await parquetReadObjects({
            file,
            metadata,
            rowStart: start,
            rowEnd: end,
            compressors,
            parsers,
          });
        } catch (error) {
          throw file.failure(error, `row group ${index + 1} cannot be read`);
        }
        yield rows.map((row, i) => toRecord(row, start + i + 1));
        start = end;
      }
      digest = await hashing;
    } finally {
      if (!digest) stream?.destroy();
    }
  }

  return {
    columns,
    batches: batches(),
    digest: () => {
      if (!digest) throw new Error('the digest is known only after every record was read');
      return digest;
    },
    close: () => stream?.destroy(),
  };
}
