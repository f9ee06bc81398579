/** One problem with one cell, precise enough to fix the source system. */
export interface CellIssue {
  readonly column: string;
  readonly value: string | null;
  readonly rule: string;
  readonly message: string;
}

/** A refused row as written to quarantine: where it was, what it held and every rule it broke. */
export interface QuarantinedRow {
  readonly file: string;
  readonly line: number;
  readonly issues: readonly CellIssue[];
  readonly record: Record<string, string>;
}
