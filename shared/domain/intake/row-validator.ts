import { ruleOfIssue } from '../contracts/column';
import type { AnyRow, Contract } from '../contracts/contract';
import type { HeaderLayout } from './header-check';
import type { SourceRecord } from './readers/record-source';
import type { CellIssue } from './row-issues';

export type RowOutcome =
  | { readonly ok: true; readonly row: AnyRow; readonly record: Record<string, string> }
  | { readonly ok: false; readonly issues: CellIssue[]; readonly record: Record<string, string> };

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
  const parsed = contract.rowSchema.safeParse(record);
  if (!parsed.success) {
    return {
      ok: false,
      record,
      issues: parsed.error.issues.map((issue) => {
        const column = String(issue.path[0] ?? '*');
        return { column, value: record[column] ?? null, rule: ruleOfIssue(issue), message: issue.message };
      }),
    };
  }
  const row = parsed.data as AnyRow;
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
