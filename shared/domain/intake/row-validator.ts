import { isProblem } from '../contracts/column';
import type { AnyRow, Contract } from '../contracts/contract';
import type { HeaderLayout } from './header-check';
import type { SourceRecord } from './readers/record-source';
import type { CellIssue } from './row-issues';

export type RowOutcome =
  | { readonly ok: true; readonly row: AnyRow; readonly record: Record<string, string> }
  | { readonly ok: false; readonly issues: CellIssue[]; readonly record: Record<string, string> };

/**
 * An accepted row whose raw cells are assembled only if asked for (a cross-file rule refusing it
 * after all): most rows are never quarantined, so most never pay for the copy.
 */
class AcceptedRow {
  public readonly ok = true;

  public constructor(
    public readonly row: AnyRow,
    private readonly contract: Contract,
    private readonly layout: HeaderLayout,
    private readonly source: SourceRecord,
  ) {}

  public get record(): Record<string, string> {
    return contractCells(this.contract, this.layout, this.source.values, false);
  }
}

/**
 * validateRecord compiled for one file: the source key of every contract column is looked up
 * once, and each record is parsed straight from the reader's values into a typed row, with no
 * intermediate copy of its cells. Same outcome as validateRecord, by construction and by test.
 */
export function recordValidator(
  contract: Contract,
  layout: HeaderLayout,
): (source: SourceRecord) => RowOutcome {
  // A delimited record's fields line up with the header the layout was built from, so a column
  // is read by its position there; -1 (absent from the header) reads as a missing cell.
  const plan = contract.cellParsers.map((p) => ({
    ...p,
    key: layout.sources.get(p.name) ?? p.name,
    position: layout.columns.indexOf(p.name),
  }));
  const rules = contract.rowRules;
  return (source) => {
    if (source.fieldCount !== undefined || source.problem) return validateRecord(contract, layout, source);
    const fields = source.fields;
    const row: AnyRow = {};
    for (let i = 0; i < plan.length; i++) {
      const { name, parse, key, position } = plan[i] as (typeof plan)[number];
      const value = parse(fields ? fields[position] : source.values[key]);
      if (isProblem(value)) return validateRecord(contract, layout, source);
      row[name] = value;
    }
    for (let i = 0; i < rules.length; i++) {
      if (!(rules[i] as (typeof rules)[number]).holds(row as never))
        return validateRecord(contract, layout, source);
    }
    return new AcceptedRow(row, contract, layout, source);
  };
}

/**
 * The contract's cells of a record: every column the layout maps (empty where the record lacks
 * it, unless `onlyFound`), and any other contract column the record happens to carry, as a JSON
 * object may that the first one did not. Unknown columns stay out.
 */
function contractCells(
  contract: Contract,
  layout: HeaderLayout,
  values: SourceRecord['values'],
  onlyFound: boolean,
): Record<string, string> {
  const record: Record<string, string> = {};
  for (const name of layout.columns) {
    if (name === undefined) continue;
    const value = values[layout.sources.get(name) ?? name];
    if (value !== undefined || !onlyFound) record[name] = value ?? '';
  }
  for (const { name } of contract.columns) {
    const value = values[name];
    if (!(name in record) && value !== undefined) record[name] = value;
  }
  return record;
}

/**
 * Validates one source record against its contract: field count, reading problems, every
 * column's rule and the contract's row rules. All issues of a row are reported, not only the first.
 */
export function validateRecord(contract: Contract, layout: HeaderLayout, source: SourceRecord): RowOutcome {
  // A record that could not be read shows what it held, not empty cells it never had.
  const record = contractCells(contract, layout, source.values, source.problem !== undefined);
  if (source.fieldCount !== undefined) {
    return {
      ok: false,
      record,
      issues: [
        {
          column: '*',
          value: null,
          rule: 'column_count',
          message: `has ${source.fieldCount} fields where the header has ${layout.columns.length}; check the delimiter and quoting`,
        },
      ],
    };
  }
  if (source.problem) {
    const { rule, message, column, value } = source.problem;
    return {
      ok: false,
      record,
      issues: [{ column: column ?? '*', value: value ?? null, rule, message }],
    };
  }
  return validateCells(contract, record);
}

/**
 * Validates the contract cells of one target record: every column's rule (through the compiled
 * parse, equivalent to the zod schema) and the contract's row rules. Issues found earlier, e.g.
 * by a mapping's transforms, refuse the row with the rest.
 */
export function validateCells(
  contract: Contract,
  record: Record<string, string>,
  earlier: readonly CellIssue[] = [],
): RowOutcome {
  const parsed = contract.parseRecord(record);
  if (!parsed.ok || earlier.length > 0) {
    const fromContract = parsed.ok
      ? []
      : parsed.issues.map((i) => ({ ...i, value: record[i.column] ?? null }));
    const mapped = new Set(earlier.map((i) => i.column));
    return {
      ok: false,
      record,
      // A cell a mapping could not convert is reported once, with the mapping's reason.
      issues: [...earlier, ...fromContract.filter((i) => !mapped.has(i.column))],
    };
  }
  const row = parsed.row;
  const broken = contract.rowRules.filter((r) => !r.holds(row as never));
  if (broken.length > 0) {
    return {
      ok: false,
      record,
      issues: broken.map((r) => ({
        column: r.column,
        value: record[r.column] ?? null,
        rule: r.rule,
        message: r.message,
      })),
    };
  }
  return { ok: true, row, record };
}
