import { z } from 'zod';
import { DAY_MILLIS, daysFromCivil, isCalendarDate } from '../calendar';
import {
  hasControlCharacter,
  simpleDate,
  simpleDecimal,
  simpleInteger,
  simpleTimestamp,
  trimmed,
} from './cell-fast-paths';

/**
 * How a validated value is stored in the curated lake. One storage type maps to one Parquet
 * physical type, one Glue/Athena column type and one DuckDB type, so the contract is the only
 * place a column's type is decided.
 */
export type StorageType = 'string' | 'int' | 'double' | 'boolean' | 'date' | 'timestamp';

/** A value as it sits in a typed row: dates stay ISO `YYYY-MM-DD`, timestamps are epoch millis. */
export type StoredValue = string | number | boolean | null;

/** The raw cell as a reader hands it over: absent columns give `undefined`. */
export type RawCell = string | undefined;

export interface Column<T extends StoredValue = StoredValue, Required extends boolean = boolean> {
  readonly storage: StorageType;
  readonly required: Required;
  readonly description: string;
  /** What a valid value looks like, in words, for the contract documentation. */
  readonly constraint: string;
  /** Parses one raw cell. Empty optional cells become `null`; every issue names its rule. */
  readonly schema: z.ZodType<Required extends true ? T : T | null, RawCell>;
  /**
   * The same parse without zod's machinery, for the bulk path: the schema above is a thin zod
   * wrapper around this function, so both agree by construction.
   */
  readonly parseCell: (raw: RawCell) => T | null | CellProblem;
}

interface ColumnOptions {
  readonly description: string;
  readonly optional?: boolean;
}

type RequiredOf<O extends ColumnOptions> = O['optional'] extends true ? false : true;

/** Why a cell was refused: a rule name a machine can group by and a sentence a person can act on. */
export interface CellProblem {
  readonly rule: string;
  readonly message: string;
}

type CellParser<T> = (text: string) => T | CellProblem;

const REQUIRED_PROBLEM: CellProblem = { rule: 'required', message: 'required value is empty' };

export function isProblem(value: unknown): value is CellProblem {
  return typeof value === 'object' && value !== null && 'rule' in value && 'message' in value;
}

function build<T extends StoredValue, O extends ColumnOptions>(
  storage: StorageType,
  parse: CellParser<T>,
  opts: O,
  constraint: string,
): Column<T, RequiredOf<O>> {
  const optional = opts.optional === true;
  const parseCell = (raw: RawCell): T | null | CellProblem => {
    const text = raw === undefined ? '' : trimmed(raw);
    if (text === '') return optional ? null : REQUIRED_PROBLEM;
    return parse(text);
  };
  // optional(): a column the file does not have arrives as an absent key, not as undefined.
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx): T | null => {
      const parsed = parseCell(raw);
      if (!isProblem(parsed)) return parsed;
      ctx.addIssue({ code: 'custom', message: parsed.message, params: { rule: parsed.rule } });
      return null;
    });
  return {
    storage,
    required: !optional as RequiredOf<O>,
    description: opts.description,
    constraint,
    schema: schema as unknown as Column<T, RequiredOf<O>>['schema'],
    parseCell,
  };
}

/** The rule name recorded on a zod issue raised by a column or contract. */
export function ruleOfIssue(issue: z.core.$ZodIssue): string {
  const params = (issue as { params?: { rule?: unknown } }).params;
  return typeof params?.rule === 'string' ? params.rule : issue.code;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-](?:0\d|1[0-4]):?[0-5]\d)?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Epoch millis of year-month-day, or NaN when that day does not exist (e.g. 2025-02-30). */
function civilMillis(year: number, month: number, day: number): number {
  return isCalendarDate(year, month, day) ? daysFromCivil(year, month, day) * DAY_MILLIS : Number.NaN;
}

/** Epoch millis for a calendar date, or NaN when the date does not exist (e.g. 2025-02-30). */
export function isoDateToMillis(text: string): number {
  return simpleDate(text, civilMillis) ?? generalIsoDateToMillis(text);
}

/** isoDateToMillis by its regular expression, for every shape; the reference of the fast path. */
export function generalIsoDateToMillis(text: string): number {
  const m = ISO_DATE.exec(text);
  return m ? civilMillis(Number(m[1]), Number(m[2]), Number(m[3])) : Number.NaN;
}

/**
 * Epoch millis for an ISO 8601 timestamp. Without an offset the wall-clock time is kept as is
 * (the lake stores timestamps without a zone, like Athena); with an offset it is moved to UTC.
 */
export function isoTimestampToMillis(text: string): number {
  return simpleTimestamp(text, civilMillis) ?? generalIsoTimestampToMillis(text);
}

/** isoTimestampToMillis by its regular expression, for every shape; the reference of the fast path. */
export function generalIsoTimestampToMillis(text: string): number {
  const m = ISO_TIMESTAMP.exec(text);
  if (!m) return Number.NaN;
  const dateMillis = civilMillis(Number(m[1]), Number(m[2]), Number(m[3]));
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (Number.isNaN(dateMillis) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const fraction = m[7];
  const millis = fraction === undefined ? 0 : Number(fraction) * 10 ** (3 - fraction.length);
  let value = dateMillis + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
    const digits = zone.length === 6 ? zone.slice(1, 3) + zone.slice(4) : zone.slice(1);
    value -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return value;
}

function withinBounds(value: number, min?: number, max?: number): number | CellProblem {
  if (min !== undefined && value < min) return { rule: 'minimum', message: `must be at least ${min}` };
  if (max !== undefined && value > max) return { rule: 'maximum', message: `must be at most ${max}` };
  return value;
}

function lowerCaseMember<V extends string>(values: readonly V[], text: string): V | undefined {
  const lower = text.toLowerCase();
  return values.find((v) => v === lower);
}

/**
 * lowerCaseMember, first comparing the text as it is with the values that are their own lower
 * case: a cell that already is one of them (the usual case) needs no lower-case copy.
 */
function memberOf<V extends string>(values: readonly V[]): (text: string) => V | undefined {
  const lowered = values.filter((v) => v === v.toLowerCase());
  return (text) => {
    for (let i = 0; i < lowered.length; i++) if (lowered[i] === text) return lowered[i];
    return lowerCaseMember(values, text);
  };
}

const TRUE_WORDS = ['true', '1', 'yes', 'y'] as const;
const FALSE_WORDS = ['false', '0', 'no', 'n'] as const;
const isTrueWord = memberOf(TRUE_WORDS);
const isFalseWord = memberOf(FALSE_WORDS);

function bounds(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

/** Column builders. Each names its rule in rejections so a partner can see what to fix. */
export const column = {
  /** An identifier: non-empty text without control characters, at most 64 characters. */
  id: <O extends ColumnOptions>(opts: O) =>
    build<string, O>(
      'string',
      (text) => {
        if (text.length > 64) return { rule: 'id_length', message: 'must be at most 64 characters' };
        if (hasControlCharacter(text))
          return { rule: 'id_characters', message: 'must not contain control characters' };
        return text;
      },
      opts,
      'text, at most 64 characters, no control characters',
    ),

  text: <O extends ColumnOptions & { readonly maxLength?: number }>(opts: O) =>
    build<string, O>(
      'string',
      (text) => {
        const max = opts.maxLength ?? 256;
        return text.length > max
          ? { rule: 'text_length', message: `must be at most ${max} characters` }
          : text;
      },
      opts,
      `text, at most ${opts.maxLength ?? 256} characters`,
    ),

  enumeration: <const V extends string, O extends ColumnOptions>(values: readonly V[], opts: O) => {
    const member = memberOf(values);
    return build<V, O>(
      'string',
      (text) =>
        member(text) ?? {
          rule: 'allowed_values',
          message: `must be one of ${values.join(', ')}`,
        },
      opts,
      `one of ${values.join(', ')} (any case)`,
    );
  },

  int: <O extends ColumnOptions & { readonly min?: number; readonly max?: number }>(opts: O) =>
    build<number, O>(
      'int',
      (text) => {
        let value = simpleInteger(text);
        if (value === undefined) {
          if (!INTEGER.test(text)) return { rule: 'integer', message: 'must be a whole number' };
          value = Number(text);
        }
        // Stored as a 32-bit integer (Parquet INT32, Athena int).
        if (value < INT32_MIN || value > INT32_MAX) {
          return { rule: 'integer_range', message: `must be between ${INT32_MIN} and ${INT32_MAX}` };
        }
        return withinBounds(value, opts.min, opts.max);
      },
      opts,
      `whole number${bounds(opts.min, opts.max)}`,
    ),

  decimal: <O extends ColumnOptions & { readonly min?: number; readonly max?: number }>(opts: O) =>
    build<number, O>(
      'double',
      (text) => {
        let value = simpleDecimal(text);
        if (value === undefined) {
          value = Number(text);
          if (!NUMBER.test(text) || !Number.isFinite(value)) {
            return { rule: 'number', message: 'must be a finite number with a dot as decimal separator' };
          }
        }
        return withinBounds(value, opts.min, opts.max);
      },
      opts,
      `number with a dot as decimal separator${bounds(opts.min, opts.max)}`,
    ),

  boolean: <O extends ColumnOptions>(opts: O) =>
    build<boolean, O>(
      'boolean',
      (text) => {
        if (isTrueWord(text)) return true;
        if (isFalseWord(text)) return false;
        return { rule: 'boolean', message: 'must be true/false, 1/0 or yes/no' };
      },
      opts,
      'true/false, 1/0, yes/no or y/n',
    ),

  /**
   * A JSON object as text, for partner attributes that have no column of their own. `check`
   * judges the object's content (returning a message when it is refused, under `rule`).
   */
  jsonObject: <
    O extends ColumnOptions & {
      readonly check?: {
        readonly rule: string;
        readonly constraint: string;
        readonly message: (text: string) => string | null;
      };
    },
  >(
    opts: O,
  ) =>
    build<string, O>(
      'string',
      (text) => {
        if (text.length > 4096) return { rule: 'text_length', message: 'must be at most 4096 characters' };
        try {
          const value: unknown = JSON.parse(text);
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
            const refused = opts.check?.message(text) ?? null;
            return refused === null ? text : { rule: opts.check?.rule ?? 'json_object', message: refused };
          }
        } catch {
          // refused below, like any other non-object
        }
        return { rule: 'json_object', message: 'must be a JSON object such as {"tier":"gold"}' };
      },
      opts,
      opts.check?.constraint ?? 'a JSON object, at most 4096 characters',
    ),

  /** Numbers separated by `;`, stored as text in ascending order, e.g. discount levels `5;10;15`. */
  numberList: <
    O extends ColumnOptions & { readonly parse: (text: string) => number[] | string; readonly rule: string },
  >(
    opts: O,
  ) =>
    build<string, O>(
      'string',
      (text) => {
        const parsed = opts.parse(text);
        return typeof parsed === 'string' ? { rule: opts.rule, message: parsed } : parsed.join(';');
      },
      opts,
      "numbers separated by ';', e.g. 5;10;15",
    ),

  date: <O extends ColumnOptions>(opts: O) =>
    build<string, O>(
      'date',
      (text) =>
        Number.isNaN(isoDateToMillis(text))
          ? { rule: 'iso_date', message: 'must be a calendar date as YYYY-MM-DD' }
          : text,
      opts,
      'date as YYYY-MM-DD',
    ),

  timestamp: <O extends ColumnOptions>(opts: O) =>
    build<number, O>(
      'timestamp',
      (text) => {
        const millis = isoTimestampToMillis(text);
        return Number.isNaN(millis)
          ? { rule: 'iso_timestamp', message: 'must be an ISO 8601 timestamp such as 2026-03-01T14:30:00' }
          : millis;
      },
      opts,
      'ISO 8601 timestamp, e.g. 2026-03-01T14:30:00; an offset moves it to UTC',
    ),
};
