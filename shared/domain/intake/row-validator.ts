import { ruleOfIssue } from '../contracts/column';
import type { AnyRow, Contract } from '../contracts/contract';
import type { HeaderLayout } from './header-check';
import type { CellIssue } from './row-issues';

export type RowOutcome =
  | { readonly ok: true; readonly row: AnyRow; readonly record: Record<string, string> }
  | { readonly ok: false; readonly issues: CellIssue[]; readonly record: Record<string, string> };

/**
 * Validates one CSV record against its contract: field count, every column's rule and the
 * contract's row rules. All issues of a row are reported, not only the first.
 */
export function validateRecord(
  contract: Contract,
  layout: HeaderLayout,
  fields: readonly string[],
): RowOutcome {
  const record: Record<string, string> = {};
  for (const [i, name] of layout.columns.entries()) {
    if (name !== undefined) record[name] = fields[i] ?? '';
  }
  if (fields.length !== layout.columns.length) {
    return {
      ok: false,
      record,
      issues: [
        {
          column: '*',
          value: null,
          rule: 'column_count',
          message: `has ${fields.length} fields where the header has ${layout.columns.length}; check the delimiter and quoting`,
        },
      ],
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
