import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { asSourceError, Sha256Tap, textStages } from './byte-stages';
import { type RecordSource, SourceFormatError, type SourceRecord, type SourceSpec } from './record-source';

const CSV_RULES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated_quote',
  INVALID_OPENING_QUOTE: 'invalid_quote',
  CSV_INVALID_CLOSING_QUOTE: 'invalid_quote',
  CSV_MAX_RECORD_SIZE: 'record_too_long',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'invalid_quote',
};

/** Marks the empty unquoted fields that runs of blanks produce in whitespace-delimited text. */
const BLANK = Symbol('blank');

interface ParsedRow {
  readonly line: number;
  readonly fields: string[];
}

/**
 * A record keyed by column, as the CSV reader hands it over: fields beyond the columns are
 * dropped, missing ones are `undefined`, and a count that differs from the columns' is kept.
 */
export function recordFromFields(
  columns: readonly string[],
  line: number,
  fields: readonly string[],
): SourceRecord {
  const values = Object.fromEntries(columns.map((name, i) => [name, fields[i]]));
  return fields.length === columns.length ? { line, values } : { line, values, fieldCount: fields.length };
}

/**
 * Streams a CSV object record by record in constant memory, hashing the raw bytes on the way.
 * The header (or the manifest's columns) is read before this resolves; records are the data rows.
 */
export async function openCsvSource(raw: Readable, spec: SourceSpec): Promise<RecordSource> {
  if (!spec.header && !spec.columns) throw new Error('a csv file without a header needs its columns');
  const whitespace = spec.delimiter === 'whitespace';
  const tap = new Sha256Tap(spec.compression === 'none');
  const parser = parse({
    bom: true,
    delimiter: whitespace ? [' ', '\t'] : spec.delimiter,
    relax_column_count: true,
    // A stray quote inside an unquoted value (5" screen) is data, not a broken file.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: spec.maxRecordChars,
    info: true,
    // Runs of blanks split into empty fields; a quoted "" is a real empty value and stays.
    ...(whitespace
      ? {
          cast: (value: string, context: { quoting: boolean }) =>
            value === '' && !context.quoting ? BLANK : value,
        }
      : {}),
  });
  // pipeline destroys every stage on the first failure (or on close) and hands that error to the parser.
  pipeline([raw, tap, ...textStages(spec), parser], () => undefined);

  const rows = parsedRows(parser as AsyncIterable<ParsedItem>, whitespace)[Symbol.asyncIterator]();
  const next = async (): Promise<ParsedRow | undefined> => {
    try {
      const item = await rows.next();
      return item.done ? undefined : item.value;
    } catch (error) {
      throw asSourceError(error);
    }
  };

  let columns: readonly string[];
  if (spec.header) {
    const header = await next();
    columns = header?.fields ?? [];
  } else {
    columns = spec.columns ?? [];
  }

  let ended = false;
  async function* records(): AsyncGenerator<SourceRecord> {
    try {
      for (let row = await next(); row; row = await next())
        yield recordFromFields(columns, row.line, row.fields);
      ended = true;
    } finally {
      if (!ended) await rows.return?.(undefined);
    }
  }

  return {
    columns,
    records: records(),
    digest: () => {
      if (!ended) throw new Error('the digest is known only after every record was read');
      return tap.digest();
    },
    close: () => parser.destroy(),
  };
}

interface ParsedItem {
  readonly record: (string | typeof BLANK)[];
  readonly info: { readonly lines: number };
}

async function* parsedRows(
  parser: AsyncIterable<ParsedItem>,
  whitespace: boolean,
): AsyncGenerator<ParsedRow> {
  let crlfDrift = 0;
  try {
    for await (const item of parser) {
      const fields = item.record.filter((f): f is string => f !== BLANK);
      // A line of blanks in whitespace-delimited text is an empty line.
      if (whitespace && fields.length === 0) continue;
      // info.lines is where the record ended, and csv-parse counts a quoted CRLF as two lines:
      // count the record's own breaks back, and every quoted CRLF so far as one.
      const text = fields.join('');
      const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
      crlfDrift += text.match(/\r\n/g)?.length ?? 0;
      yield { line: item.info.lines - crlfDrift - breaks, fields };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new SourceFormatError(CSV_RULES[error.code] ?? 'csv_syntax', error.message, line, {
        cause: error,
      });
    }
    throw error;
  }
}
