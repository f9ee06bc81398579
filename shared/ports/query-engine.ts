import type { S3Ref } from '../domain/runs/run-state';

export interface CompletedQuery {
  readonly queryExecutionId: string;
  /** The engine writes the full result as CSV here (Athena's result file). */
  readonly result: S3Ref;
  readonly bytesScanned: number;
  readonly engineMs: number;
}

export type ResultRow = Record<string, string | null>;

/** SQL over the curated lake: Athena on AWS, the Athena-compatible DuckDB endpoint locally. */
export interface QueryEngine {
  /** Runs a query to completion; throws QueryFailedError with the engine's reason. */
  run(name: string, sql: string): Promise<CompletedQuery>;
  /** Pages through a completed query's rows (for small results). */
  rows(queryExecutionId: string): AsyncIterable<ResultRow>;
}
