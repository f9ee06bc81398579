import { DAY_MILLIS, monthOfMillis } from '../calendar';
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

/** Days whose month a partitioner remembers; past that it starts afresh, so memory stays small. */
const REMEMBERED_DAYS = 4096;

/**
 * The month partition of a row, for a table partitioned by month (undefined for others). Rows
 * usually come in time order, or at least within a few years, so the month of each day seen is
 * remembered rather than recomputed: the same string for every row of a month.
 */
export function monthPartitioner(
  table: LakeTable,
): (row: Readonly<Record<string, StoredValue>>) => string | undefined {
  const column = table.monthOf;
  if (!column) return () => undefined;
  let lastDay = Number.NaN;
  let lastMonth = '';
  const months = new Map<number, string>();
  return (row) => {
    const value = row[column];
    if (typeof value !== 'number')
      throw new Error(`${table.name}.${column} must be a timestamp to partition by`);
    const day = Math.floor(value / DAY_MILLIS);
    if (day !== lastDay) {
      lastDay = day;
      let month = months.get(day);
      if (month === undefined) {
        if (months.size >= REMEMBERED_DAYS) months.clear();
        month = monthOfMillis(value);
        months.set(day, month);
      }
      lastMonth = month;
    }
    return lastMonth;
  };
}

/** The month partition a row belongs in, for a table partitioned by month. */
export function monthPartitionOf(
  table: LakeTable,
  row: Readonly<Record<string, StoredValue>>,
): string | undefined {
  return monthPartitioner(table)(row);
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
