import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { asSourceError, Sha256Tap, textStages } from './byte-stages';
import { CsvTokenizer, type TokenizedRecords } from './csv-tokenizer';
import type { RecordSource, SourceRecord, SourceSpec } from './record-source';

/**
 * A delimited record: its fields as read, keyed by column only when someone asks (a mapping, a
 * quarantined row), since the bulk path reads fields by position. Fields beyond the columns are
 * dropped from `values`, missing ones are `undefined`, and a count that differs is kept.
 */
class DelimitedRecord implements SourceRecord {
  private keyed: Record<string, string | undefined> | undefined;
  public readonly fieldCount?: number;

  public constructor(
    public readonly line: number,
    public readonly fields: readonly string[],
    private readonly columns: readonly string[],
  ) {
    if (fields.length !== columns.length) this.fieldCount = fields.length;
  }

  public get values(): Record<string, string | undefined> {
    if (this.keyed) return this.keyed;
    const { columns, fields } = this;
    let values: Record<string, string | undefined>;
    if (columns.includes('__proto__')) {
      // Assignment would set the prototype; defined keys keep a column named __proto__ as data.
      values = Object.fromEntries(columns.map((name, i) => [name, fields[i]]));
    } else {
      values = {};
      for (let i = 0; i < columns.length; i++) values[columns[i] as string] = fields[i];
    }
    this.keyed = values;
    return values;
  }
}

/** Records keyed by column, as the CSV reader hands them over. */
export function recordMaker(
  columns: readonly string[],
): (line: number, fields: readonly string[]) => SourceRecord {
  return (line, fields) => new DelimitedRecord(line, fields, columns);
}

export function recordFromFields(
  columns: readonly string[],
  line: number,
  fields: readonly string[],
): SourceRecord {
  return recordMaker(columns)(line, fields);
}

/** Bytes of text tokenized at a time, whatever the size of the stream's chunks. */
const PIECE_BYTES = 64 * 1024;

/**
 * Streams a CSV object in batches of records, in constant memory, hashing the raw bytes on the
 * way. The header (or the manifest's columns) is read before this resolves; batches hold the
 * data rows.
 */
export async function openCsvSource(raw: Readable, spec: SourceSpec): Promise<RecordSource> {
  if (!spec.header && !spec.columns) throw new Error('a csv file without a header needs its columns');
  const tap = new Sha256Tap(spec.compression === 'none');
  const stages = textStages(spec);
  // pipeline destroys every stage on the first failure (or on close) and hands that error to the last.
  pipeline([raw, tap, ...stages], () => undefined);
  const text = stages.at(-1);
  if (!text) throw new Error('no text stage');
  const tokenizer = new CsvTokenizer({ delimiter: spec.delimiter, maxRecordChars: spec.maxRecordChars });
  const chunks = (text as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const decoder = new StringDecoder('utf8');
  let finished = false;
  // What is left of the stream's last chunk, read a piece at a time.
  let rest: Buffer | undefined;

  /** The records of the next piece of text (possibly none), or undefined once the text has ended. */
  const nextChunk = async (): Promise<TokenizedRecords | undefined> => {
    if (finished) return undefined;
    try {
      if (!rest) {
        const chunk = await chunks.next();
        if (chunk.done) {
          finished = true;
          const tail = decoder.end();
          if (tail) tokenizer.push(tail);
          return tokenizer.end();
        }
        rest = chunk.value;
      }
      // A batch's records are alive until the batch is done: small batches keep the young
      // generation's survivors, and so the garbage collector's copying, small.
      const piece = rest.length > PIECE_BYTES ? rest.subarray(0, PIECE_BYTES) : rest;
      rest = piece === rest ? undefined : rest.subarray(PIECE_BYTES);
      return tokenizer.push(decoder.write(piece));
    } catch (error) {
      throw asSourceError(error);
    }
  };

  // The header is the first record; records read with it are the first batch's.
  let columns: readonly string[] = spec.columns ?? [];
  let first: TokenizedRecords | undefined;
  if (spec.header) {
    for (let read = await nextChunk(); read; read = await nextChunk()) {
      if (read.fields.length === 0) continue;
      columns = read.fields.shift() ?? [];
      read.lines.shift();
      first = read;
      break;
    }
  }

  const makeRecord = recordMaker(columns);
  let ended = false;
  async function* batches(): AsyncGenerator<SourceRecord[]> {
    try {
      for (let read = first ?? (await nextChunk()); read; read = await nextChunk()) {
        first = undefined;
        if (read.fields.length === 0) continue;
        const batch = new Array<SourceRecord>(read.fields.length);
        for (let i = 0; i < read.fields.length; i++)
          batch[i] = makeRecord(read.lines[i] as number, read.fields[i] as string[]);
        yield batch;
      }
      ended = true;
    } finally {
      if (!ended) text?.destroy();
    }
  }

  return {
    columns,
    batches: batches(),
    digest: () => {
      if (!ended) throw new Error('the digest is known only after every record was read');
      return tap.digest();
    },
    close: () => text.destroy(),
  };
}
