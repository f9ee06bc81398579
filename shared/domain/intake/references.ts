import type { AnyRow } from '../contracts/contract';
import type { DatasetName } from '../contracts/datasets';
import { HashedKeySet } from './hashed-keys';
import type { CellIssue } from './row-issues';

export interface Reference {
  readonly column: string;
  readonly target: DatasetName;
  readonly rule: string;
}

/** The column that identifies a row, unique within its dataset. */
const IDENTITY: Partial<Record<DatasetName, string>> = {
  customers: 'customer_id',
  products: 'product_id',
  offers: 'offer_id',
  channels: 'channel_id',
  transactions: 'line_id',
  contacts: 'contact_id',
  responses: 'contact_id',
};

/** Cross-file rules: a row may only point at rows that exist in the same batch. */
const REFERENCES: Partial<Record<DatasetName, readonly Reference[]>> = {
  transactions: [
    { column: 'customer_id', target: 'customers', rule: 'unknown_customer' },
    { column: 'product_id', target: 'products', rule: 'unknown_product' },
  ],
  contacts: [
    { column: 'customer_id', target: 'customers', rule: 'unknown_customer' },
    { column: 'offer_id', target: 'offers', rule: 'unknown_offer' },
    { column: 'channel_id', target: 'channels', rule: 'unknown_channel' },
  ],
  responses: [{ column: 'contact_id', target: 'contacts', rule: 'unknown_contact' }],
};

/** The column that must be unique in a dataset, if it has one. */
export function identityOf(dataset: DatasetName): string | undefined {
  return IDENTITY[dataset];
}

/** The cross-file rules of a dataset: which column must point at which dataset. */
export function referencesOf(dataset: DatasetName): readonly Reference[] {
  return REFERENCES[dataset] ?? [];
}

/**
 * The order files are validated in, so that every reference points at a dataset already read.
 */
export const VALIDATION_ORDER: readonly DatasetName[] = [
  'customers',
  'products',
  'offers',
  'channels',
  'transactions',
  'contacts',
  'responses',
];

/** The uniqueness and reference rules of one dataset, its sets looked up once rather than per row. */
export interface DatasetReferences {
  /** Adds issues for a duplicate id and dangling references; call `accept` only when the row is kept. */
  check(row: AnyRow, issues: CellIssue[]): void;
  accept(row: AnyRow): void;
}

/**
 * Ids of the rows accepted so far, per dataset, to check uniqueness and references. Ids are kept
 * as 64-bit hashes (see HashedKeySet), so a file of tens of millions of lines fits in a Lambda.
 */
export class ReferenceIndex {
  private readonly ids = new Map<DatasetName, HashedKeySet>();
  private readonly compiled = new Map<DatasetName, DatasetReferences>();

  /** Adds issues for duplicates and dangling references; call `accept` only when the row is kept. */
  public check(dataset: DatasetName, row: AnyRow, issues: CellIssue[] = []): CellIssue[] {
    this.forDataset(dataset).check(row, issues);
    return issues;
  }

  public accept(dataset: DatasetName, row: AnyRow): void {
    this.forDataset(dataset).accept(row);
  }

  /** The rules of one dataset, for a caller that checks many of its rows. */
  public forDataset(dataset: DatasetName): DatasetReferences {
    let rules = this.compiled.get(dataset);
    if (!rules) {
      rules = this.compile(dataset);
      this.compiled.set(dataset, rules);
    }
    return rules;
  }

  /** A dataset's ids; an empty set until its first row is kept. */
  private idsOf(dataset: DatasetName): HashedKeySet {
    let set = this.ids.get(dataset);
    if (!set) {
      set = new HashedKeySet();
      this.ids.set(dataset, set);
    }
    return set;
  }

  private compile(dataset: DatasetName): DatasetReferences {
    const idColumn = IDENTITY[dataset];
    const own = this.idsOf(dataset);
    const references = (REFERENCES[dataset] ?? []).map((ref) => ({ ...ref, ids: this.idsOf(ref.target) }));
    return {
      check: (row, issues) => {
        if (idColumn !== undefined) {
          const id = row[idColumn];
          if (typeof id === 'string' && own.has(id)) {
            issues.push({
              column: idColumn,
              value: id,
              rule: 'duplicate_id',
              message: `${idColumn} ${id} appears more than once`,
            });
          }
        }
        for (let i = 0; i < references.length; i++) {
          const ref = references[i] as (typeof references)[number];
          const value = row[ref.column];
          if (typeof value !== 'string') continue; // empty optional reference, e.g. a control contact's offer
          if (!ref.ids.has(value)) {
            issues.push({
              column: ref.column,
              value,
              rule: ref.rule,
              message: `${ref.column} ${value} is not in ${ref.target}`,
            });
          }
        }
      },
      accept: (row) => {
        if (idColumn === undefined) return;
        const id = row[idColumn];
        if (typeof id === 'string') own.add(id);
      },
    };
  }
}
