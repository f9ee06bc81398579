import type { StorageType, StoredValue } from '../contracts/column';
import { contractFor, DATASET_NAMES, type DatasetName } from '../contracts/datasets';

/**
 * The curated lake as Athena sees it: one table per dataset, Parquet under
 * `curated/{dataset}/run_id={runId}/`, partitioned by run so every query reads exactly the
 * snapshot its run validated. Event datasets are partitioned by month as well
 * (`.../run_id={runId}/month=YYYY-MM/`), so a query over a time window reads only its months.
 * CDK registers these as Glue tables with partition projection; the local Athena endpoint creates
 * the same tables over DuckDB.
 */

export const CURATED_ROOT = 'curated';
export const PARTITION_KEY = 'run_id';
export const MONTH_KEY = 'month';
/** The first month a month partition can name (Glue's projection range starts here). */
export const FIRST_MONTH = '1970-01';

export interface LakeColumn {
  readonly name: string;
  readonly storage: StorageType;
  readonly comment: string;
  /** Required by the contract: never null in curated data. */
  readonly required?: boolean;
}

export interface LakeTable {
  readonly name: DatasetName;
  /** Key prefix inside the lake bucket, ending in `/`. */
  readonly prefix: string;
  readonly columns: readonly LakeColumn[];
  readonly partitionKey: typeof PARTITION_KEY;
  /** For event datasets: the required timestamp column whose month names the second partition. */
  readonly monthOf?: string;
}

/** The event time each event dataset is partitioned by; a required column of its contract. */
const MONTH_COLUMN: Partial<Record<DatasetName, string>> = {
  transactions: 'ts',
  contacts: 'sent_at',
};

export const lakeTables: readonly LakeTable[] = DATASET_NAMES.map((name) => {
  const monthOf = MONTH_COLUMN[name];
  return {
    name,
    prefix: `${CURATED_ROOT}/${name}/`,
    columns: contractFor(name).columns.map((c) => ({
      name: c.name,
      storage: c.storage,
      comment: c.description,
      required: c.required,
    })),
    partitionKey: PARTITION_KEY,
    ...(monthOf ? { monthOf } : {}),
  };
});

export function lakeTableOf(dataset: DatasetName): LakeTable {
  const table = lakeTables.find((t) => t.name === dataset);
  if (!table) throw new Error(`no lake table for ${dataset}`);
  return table;
}

/** `YYYY-MM` of a timestamp (epoch millis, wall clock as stored); the month partition's value. */
export function monthOfMillis(millis: number): string {
  return new Date(millis).toISOString().slice(0, 7);
}

/** The month partition a row belongs in, for a table partitioned by month. */
export function monthPartitionOf(
  table: LakeTable,
  row: Readonly<Record<string, StoredValue>>,
): string | undefined {
  if (!table.monthOf) return undefined;
  const value = row[table.monthOf];
  if (typeof value !== 'number')
    throw new Error(`${table.name}.${table.monthOf} must be a timestamp to partition by`);
  return monthOfMillis(value);
}

/** The Athena (Trino) type of each storage type, for Glue table definitions. */
export const athenaType: Record<StorageType, string> = {
  string: 'string',
  int: 'int',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
};

/** Where a run's curated files of a dataset live, all months included. */
export function curatedPartitionPrefix(dataset: DatasetName, runId: string): string {
  return `${CURATED_ROOT}/${dataset}/${PARTITION_KEY}=${runId}/`;
}

/** Where the run's curated files of one month of an event dataset live. */
export function curatedMonthPrefix(dataset: DatasetName, runId: string, month: string): string {
  return `${curatedPartitionPrefix(dataset, runId)}${MONTH_KEY}=${month}/`;
}
