import type { StorageType } from '../contracts/column';
import { contractFor, DATASET_NAMES, type DatasetName } from '../contracts/datasets';

/**
 * The curated lake as Athena sees it: one table per dataset, Parquet under
 * `curated/{dataset}/run_id={runId}/`, partitioned by run so every query reads exactly the
 * snapshot its run validated. CDK registers these as Glue tables; the local Athena endpoint
 * creates the same tables over DuckDB.
 */

export const CURATED_ROOT = 'curated';
export const PARTITION_KEY = 'run_id';

export interface LakeColumn {
  readonly name: string;
  readonly storage: StorageType;
  readonly comment: string;
}

export interface LakeTable {
  readonly name: DatasetName;
  /** Key prefix inside the lake bucket, ending in `/`. */
  readonly prefix: string;
  readonly columns: readonly LakeColumn[];
  readonly partitionKey: typeof PARTITION_KEY;
}

export const lakeTables: readonly LakeTable[] = DATASET_NAMES.map((name) => ({
  name,
  prefix: `${CURATED_ROOT}/${name}/`,
  columns: contractFor(name).columns.map((c) => ({
    name: c.name,
    storage: c.storage,
    comment: c.description,
  })),
  partitionKey: PARTITION_KEY,
}));

/** The Athena (Trino) type of each storage type, for Glue table definitions. */
export const athenaType: Record<StorageType, string> = {
  string: 'string',
  int: 'int',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
};

export function curatedPartitionPrefix(dataset: DatasetName, runId: string): string {
  return `${CURATED_ROOT}/${dataset}/${PARTITION_KEY}=${runId}/`;
}
