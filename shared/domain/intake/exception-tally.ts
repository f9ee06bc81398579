import type { ExceptionCount } from '../runs/run-state';
import type { CellIssue } from './row-issues';

/** Most (rule, column) pairs listed on a file's account; the quarantine file has every row. */
export const LISTED_EXCEPTIONS = 50;

interface Tally {
  readonly rule: string;
  readonly column: string;
  readonly outcome: ExceptionCount['outcome'];
  rows: number;
  readonly firstLine: number;
}

/** Counts a file's refused and flagged rows by rule and column, so a report can list them. */
export class ExceptionTally {
  private readonly tallies = new Map<string, Tally>();

  add(outcome: ExceptionCount['outcome'], issues: readonly CellIssue[], line: number): void {
    for (const { rule, column } of issues) {
      const key = `${outcome}\u0000${rule}\u0000${column}`;
      const tally = this.tallies.get(key);
      if (tally) tally.rows += 1;
      else this.tallies.set(key, { rule, column, outcome, rows: 1, firstLine: Math.max(1, line) });
    }
  }

  /** The most frequent exceptions first, ties in the order they were first met. */
  list(limit = LISTED_EXCEPTIONS): ExceptionCount[] {
    return [...this.tallies.values()]
      .sort((a, b) => b.rows - a.rows || a.firstLine - b.firstLine)
      .slice(0, limit)
      .map((t) => ({ ...t }));
  }
}
