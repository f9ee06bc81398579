import { pipeline, type Readable } from 'node:stream';
import { asSourceError, Sha256Tap, textStages } from './byte-stages';
import {
  type RecordProblem,
  type RecordSource,
  SourceFormatError,
  type SourceRecord,
  type SourceSpec,
} from './record-source';
import { type TextLine, textLines } from './text-lines';

/** Lines that are not JSON objects read ahead while looking for the first object, before giving up on the file. */
export const MAX_LEADING_BROKEN_LINES = 1000;
/** Records handed over at a time. */
const BATCH_RECORDS = 4096;
/** How much of a broken line the quarantine file keeps. */
const SHOWN_CHARS = 200;

/**
 * A JSON value as cell text: strings as they are, numbers and booleans as JSON writes them, null
 * as empty (like an empty CSV cell), objects and arrays as JSON text.
 */
export function jsonCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const shown = (text: string) => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One line as a record, `undefined` for a blank line, and the keys of a JSON object. A line that
 * is not a JSON object is a record with a problem, so that only its row is refused.
 */
export function jsonlRecord({ line, text }: TextLine): { record: SourceRecord; keys?: string[] } | undefined {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const problem = {
      rule: 'json',
      message: `is not valid JSON: ${(error as Error).message}`,
      value: shown(text),
    };
    return { record: { line, values: {}, problem } };
  }
  if (!isObject(parsed)) {
    const problem = { rule: 'json', message: 'is not a JSON object', value: shown(text) };
    return { record: { line, values: {}, problem } };
  }
  const entries = Object.entries(parsed);
  // JSON.parse has already rounded an integer past 2^53; say so rather than store another number.
  const inexact = entries.find(
    ([, v]) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v),
  );
  // Object.fromEntries defines own keys, so a "__proto__" key is data like any other.
  const values = Object.fromEntries(entries.map(([k, v]) => [k, jsonCellText(v)]));
  const keys = entries.map(([k]) => k);
  if (!inexact) return { record: { line, values }, keys };
  const problem: RecordProblem = {
    rule: 'json',
    column: inexact[0],
    value: jsonCellText(inexact[1]),
    message: `${inexact[0]} is an integer too large to read exactly; send it as a JSON string`,
  };
  return { record: { line, values, problem }, keys };
}

/**
 * Streams a JSON Lines object record by record in constant memory, hashing the raw bytes on the
 * way. The columns are the keys of the first JSON object, read before this resolves.
 */
export async function openJsonlSource(raw: Readable, spec: SourceSpec): Promise<RecordSource> {
  const tap = new Sha256Tap(spec.compression === 'none');
  const stages = textStages(spec);
  pipeline([raw, tap, ...stages], () => undefined);
  const last = stages.at(-1);
  if (!last) throw new Error('no text stage');
  const lines = textLines(last, spec.maxRecordChars);

  const next = async (): Promise<{ record: SourceRecord; keys?: string[] } | undefined> => {
    try {
      for (let item = await lines.next(); !item.done; item = await lines.next()) {
        const read = jsonlRecord(item.value);
        if (read) return read;
      }
      return undefined;
    } catch (error) {
      throw asSourceError(error);
    }
  };

  const leading: SourceRecord[] = [];
  let columns: string[] = [];
  for (let read = await next(); read; read = await next()) {
    leading.push(read.record);
    if (read.keys) {
      columns = read.keys;
      break;
    }
    if (leading.length >= MAX_LEADING_BROKEN_LINES) {
      await lines.return(undefined);
      throw new SourceFormatError(
        'json',
        `none of the first ${MAX_LEADING_BROKEN_LINES} lines is a JSON object; is this a JSON Lines file?`,
        read.record.line,
      );
    }
  }

  let ended = false;
  async function* batches(): AsyncGenerator<SourceRecord[]> {
    try {
      let batch = leading.splice(0);
      for (let read = await next(); read; read = await next()) {
        batch.push(read.record);
        if (batch.length >= BATCH_RECORDS) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
      ended = true;
    } finally {
      if (!ended) await lines.return(undefined);
    }
  }

  return {
    columns,
    batches: batches(),
    digest: () => {
      if (!ended) throw new Error('the digest is known only after every record was read');
      return tap.digest();
    },
    close: () => last.destroy(),
  };
}
