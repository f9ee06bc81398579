import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { asSourceError, Sha256Tap, textStages } from './byte-stages';
import { CsvTokenizer, type TokenizedRecords } from './csv-tokenizer';
import type { RecordSource, SourceRecord, SourceSpec } from './record-source';

/**
 * Makes records keyed by column, as the CSV reader hands them over: fields beyond the columns
 * are dropped, missing ones are `undefined`, and a count that differs from the columns' is kept.
 */
export function recordMaker(
  columns: readonly string[],
): (line: number, fields: readonly string[]) => SourceRecord {
  // Assignment would set the prototype; defined keys keep a column named __proto__ as data.
  const keyed = columns.includes('__proto__')
    ? (fields: readonly string[]) => Object.fromEntries(columns.map((name, i) => [name, fields[i]]))
    : (fields: readonly string[]) => {
        const values: Record<string, string | undefined> = {};
        for (let i = 0; i < columns.length; i++) values[columns[i] as string] = fields[i];
        return values;
      };
  return (line, fields) => {
    const values = keyed(fields);
    return fields.length === columns.length ? { line, values } : { line, values, fieldCount: fields.length };
  };
}

export function recordFromFields(
  columns: readonly string[],
  line: number,
  fields: readonly string[],
): SourceRecord {
  return recordMaker(columns)(line, fields);
}

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

  /** The records of the next chunk (possibly none), or undefined once the text has ended. */
  const nextChunk = async (): Promise<TokenizedRecords | undefined> => {
    if (finished) return undefined;
    try {
      const chunk = await chunks.next();
      if (chunk.done) {
        finished = true;
        const tail = decoder.end();
        if (tail) tokenizer.push(tail);
        return tokenizer.end();
      }
      return tokenizer.push(decoder.write(chunk.value));
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
