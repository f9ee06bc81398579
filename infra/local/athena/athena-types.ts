import type { S3Client } from '@aws-sdk/client-s3';
import type { StorageType } from '../../../shared/domain/contracts/column';
import { AwsApiError } from '../aws-json-server';

/** Storage types of the curated lake, as the contracts define them. */
export type LakeStorage = StorageType;

/** Where one lake table lives in S3 and what its columns are. */
export interface LakeTableLocation {
  /** Table name, e.g. `transactions`. */
  name: string;
  /** S3 bucket holding the table. */
  bucket: string;
  /** Key prefix ending in `/`, e.g. `curated/transactions/`. */
  prefix: string;
  columns: readonly { name: string; storage: LakeStorage }[];
  /** Hive partition column: files live at `prefix + '<key>=<value>/part-00000.parquet'`. */
  partitionKey: string;
  /** Further hive partition columns below it, e.g. `month` in `run_id=r/month=2026-02/`. */
  subPartitionKeys?: readonly string[];
}

export interface LocalAthenaOptions {
  /** S3 client already pointed at the local S3 emulator. */
  s3: S3Client;
  /** The only workgroup accepted. */
  workgroup: string;
  /** Glue database name: the default schema; tables may also be qualified as `database.table`. */
  database: string;
  /** `s3://bucket/prefix/`, enforced like a workgroup with enforceWorkGroupConfiguration. */
  outputLocation: string;
  tables: readonly LakeTableLocation[];
  /** Local directory where S3 objects are mirrored for DuckDB. */
  cacheDir: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /**
   * Results of this many latest successful queries stay readable by GetQueryResults (default
   * DEFAULT_RESULTS_KEPT); older ones are dropped from DuckDB, so a stack left running for
   * scheduled runs does not grow without bound. Their CSV stays in the output location.
   */
  resultsKept?: number;
}

export const DEFAULT_RESULTS_KEPT = 200;

export interface LocalAthena {
  /** `http://127.0.0.1:<port>`, for the Athena client's `endpoint`. */
  endpoint: string;
  stop(): Promise<void>;
}

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export type AthenaStatementType = 'DML' | 'DDL' | 'UTILITY';

/** One result column as Athena's ColumnInfo describes it. */
export interface AthenaColumn {
  name: string;
  type: string;
  precision: number;
  scale: number;
  caseSensitive: boolean;
}

/** What StartQueryExecution asked for. */
export interface QuerySubmission {
  query: string;
  database: string;
  workgroup: string;
  clientRequestToken?: string;
  executionParameters?: readonly string[];
}

/** The server-side state of one query execution. */
export interface QueryRecord extends QuerySubmission {
  id: string;
  statementType: AthenaStatementType;
  state: QueryState;
  stateChangeReason?: string;
  /** Epoch milliseconds. */
  submittedAt: number;
  startedAt?: number;
  completedAt?: number;
  engineMillis: number;
  dataScannedBytes: number;
  /** Set once the result is stored (SUCCEEDED); unset again when it is dropped to keep newer ones. */
  result?: StoredResult;
  /** The result was dropped: only the CSV in the output location is left. */
  resultDropped?: boolean;
}

/** A query result kept in DuckDB for paging, and written to S3 as Athena's CSV. */
export interface StoredResult {
  /** Qualified DuckDB table holding the rows, in result order (rowid = position). */
  table: string;
  columns: readonly AthenaColumn[];
  rowCount: number;
  /** `SELECT <each column as Athena's text> FROM <table>`. */
  textSelect: string;
  /** The same, for DuckDB's CSV writer: columns it already writes as Athena's text are left as they are. */
  csvSelect: string;
}

/** An error answered to the client as an AWS JSON error (`__type` + message). */

/** Shorthand for the error Athena uses for almost every client mistake. */
export function invalidRequest(message: string): AwsApiError {
  return new AwsApiError('InvalidRequestException', message);
}
