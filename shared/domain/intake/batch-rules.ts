import type { AnyRow } from '../contracts/contract';
import type { DatasetName } from '../contracts/datasets';
import { EventTimeRule } from './event-times';
import { ReferenceIndex } from './references';
import { type FlaggedRow, ReturnMatcher } from './return-matcher';
import type { CellIssue } from './row-issues';

/** The rules that flag (keep, but list) rather than refuse, in words, for the contract documentation. */
export function flagRulesOf(dataset: DatasetName): readonly { rule: string; column: string; text: string }[] {
  return dataset === 'transactions'
    ? [
        {
          rule: 'return_without_purchase',
          column: 'quantity',
          text: 'a return (negative quantity) with no purchase of the same product by the same customer at or before it in the batch is kept and flagged; guest returns are not judged',
        },
      ]
    : [];
}

const NO_ISSUES: readonly CellIssue[] = Object.freeze([]);

/** The batch rules as one dataset's rows meet them, compiled once for the rows of a file. */
export interface DatasetRules {
  /** The issues that refuse this row; empty (and shared: do not add to it) when it may be kept. */
  check(row: AnyRow): readonly CellIssue[];
  /** Records a kept row, for the uniqueness, reference and return rules of later rows. */
  accept(row: AnyRow, line: number): void;
}

export interface BatchRulesOptions {
  /** When the batch was received (the run started), epoch millis: later events are refused. */
  readonly receivedAt: number;
}

/**
 * The rules that look beyond one row, across the files of a batch: unique ids, references to
 * rows of other files, event times no later than the batch, and returns that match a purchase.
 * The first three refuse a row; the last flags it. Rows are checked in VALIDATION_ORDER, so a
 * reference always points at a dataset read before.
 */
export class BatchRules {
  private readonly references = new ReferenceIndex();
  private readonly eventTimes: EventTimeRule;
  private readonly returns = new ReturnMatcher();
  /** Reused for every row: most rows break no rule and need no array of their own. */
  private readonly found: CellIssue[] = [];
  private readonly compiled = new Map<DatasetName, DatasetRules>();

  constructor(options: BatchRulesOptions) {
    this.eventTimes = new EventTimeRule(options.receivedAt);
  }

  /** The issues that refuse this row; empty (and shared: do not add to it) when it may be kept. */
  check(dataset: DatasetName, row: AnyRow): readonly CellIssue[] {
    return this.forDataset(dataset).check(row);
  }

  /** Records a kept row, for the uniqueness, reference and return rules of later rows. */
  accept(dataset: DatasetName, row: AnyRow, line: number): void {
    this.forDataset(dataset).accept(row, line);
  }

  /** check and accept for the rows of one dataset, without finding its rules again for each row. */
  forDataset(dataset: DatasetName): DatasetRules {
    let rules = this.compiled.get(dataset);
    if (!rules) {
      const references = this.references.forDataset(dataset);
      const eventTimes = this.eventTimes;
      const returns = dataset === 'transactions' ? this.returns : undefined;
      const issues = this.found;
      rules = {
        check: (row) => {
          if (issues.length > 0) issues.length = 0;
          references.check(row, issues);
          eventTimes.check(dataset, row, issues);
          return issues.length === 0 ? NO_ISSUES : [...issues];
        },
        accept: (row, line) => {
          references.accept(row);
          returns?.observe(row, line);
        },
      };
      this.compiled.set(dataset, rules);
    }
    return rules;
  }

  /** The kept rows of a dataset that deserve a look, once all of its rows were read. */
  flagged(dataset: DatasetName, file: string): Iterable<FlaggedRow> {
    return dataset === 'transactions' ? this.returns.unmatched(file) : [];
  }
}
