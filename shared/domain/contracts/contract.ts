import { z } from 'zod';
import {
  type CellProblem,
  type Column,
  isProblem,
  type RawCell,
  type StorageType,
  type StoredValue,
} from './column';

export type ColumnMap = Record<string, Column>;

/** The typed row a contract produces: one property per column, `null` where an optional cell was empty. */
export type RowOf<C extends ColumnMap> = {
  [K in keyof C]: C[K] extends Column<infer T, infer Required>
    ? Required extends true
      ? T
      : T | null
    : never;
};

export interface ColumnDescription {
  readonly name: string;
  readonly storage: StorageType;
  readonly required: boolean;
  readonly description: string;
  readonly constraint: string;
}

/** A rule that spans columns of the same row, e.g. "a control contact has no offer". */
export interface RowRule<Row> {
  readonly rule: string;
  readonly column: string;
  readonly message: string;
  readonly holds: (row: Row) => boolean;
}

export interface Contract<Name extends string = string, C extends ColumnMap = ColumnMap> {
  readonly dataset: Name;
  readonly version: number;
  readonly description: string;
  readonly columns: readonly ColumnDescription[];
  readonly requiredColumns: readonly string[];
  /** Parses a raw record keyed by column name. */
  readonly rowSchema: z.ZodType<RowOf<C>, Record<string, RawCell>>;
  /** The same parse as `rowSchema`, compiled to plain calls for the bulk path (millions of rows). */
  readonly parseRecord: (record: Readonly<Record<string, RawCell>>) => RecordParse;
  /** Each column's cell parse, in column order: what parseRecord runs, for readers that compile their own. */
  readonly cellParsers: readonly CellParser[];
  readonly rowRules: readonly RowRule<RowOf<C>>[];
}

/**
 * Declares a dataset contract. Zod is the single source of truth for validation; the storage
 * types recorded here drive the Parquet, Glue and DuckDB schemas.
 */
export function defineContract<const Name extends string, const C extends ColumnMap>(spec: {
  dataset: Name;
  version: number;
  description: string;
  columns: C;
  rowRules?: readonly RowRule<RowOf<C>>[];
}): Contract<Name, C> {
  const shape = Object.fromEntries(Object.entries(spec.columns).map(([name, col]) => [name, col.schema]));
  const rowSchema = z.object(shape) as unknown as z.ZodType<RowOf<C>, Record<string, RawCell>>;
  const columns = Object.entries(spec.columns).map(([name, col]) => ({
    name,
    storage: col.storage,
    required: col.required,
    description: col.description,
    constraint: col.constraint,
  }));
  const parsers = Object.entries(spec.columns).map(([name, col]) => [name, col.parseCell] as const);
  const parseRecord = (record: Readonly<Record<string, RawCell>>): RecordParse => {
    const row: AnyRow = {};
    let issues: { column: string; rule: string; message: string }[] | undefined;
    for (const [name, parseCell] of parsers) {
      const value = parseCell(record[name]);
      if (isProblem(value)) {
        issues ??= [];
        issues.push({ column: name, rule: value.rule, message: value.message });
      } else {
        row[name] = value;
      }
    }
    return issues ? { ok: false, issues } : { ok: true, row };
  };
  return {
    dataset: spec.dataset,
    version: spec.version,
    description: spec.description,
    columns,
    requiredColumns: columns.filter((c) => c.required).map((c) => c.name),
    rowSchema,
    parseRecord,
    cellParsers: parsers.map(([name, parse]) => ({ name, parse })),
    rowRules: spec.rowRules ?? [],
  };
}

export type AnyRow = Record<string, StoredValue>;

export interface CellParser {
  readonly name: string;
  readonly parse: (raw: RawCell) => StoredValue | CellProblem;
}

export type RecordParse =
  | { readonly ok: true; readonly row: AnyRow }
  | { readonly ok: false; readonly issues: { column: string; rule: string; message: string }[] };
