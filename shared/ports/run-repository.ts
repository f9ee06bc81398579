import type { Failure, RunRecord, RunSummary, StageRecord } from '../domain/runs/run-record';
import type { FileAccount, StageName } from '../domain/runs/run-state';

export interface RunPage {
  readonly runs: RunRecord[];
  readonly nextCursor?: string;
}

export interface RunRepository {
  /**
   * Claims a manifest version for a run. Returns the run that already holds the claim, if any;
   * `replacing` lets a retry take over the claim of a run that failed.
   */
  claimBatch(batchKey: string, runId: string, replacing?: string): Promise<string | undefined>;
  /** Creates the run; creating an existing run again changes nothing. */
  create(run: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | undefined>;
  list(limit: number, cursor?: string): Promise<RunPage>;
  recordStage(runId: string, stage: StageName, record: StageRecord): Promise<void>;
  recordFiles(runId: string, files: readonly FileAccount[]): Promise<void>;
  /** Marks a RUNNING run FAILED; a run in any other status is left as it is. */
  markFailed(runId: string, failure: Failure, finishedAt: string): Promise<void>;
  /** Marks the run SUCCEEDED and makes it the published run, atomically. */
  publish(runId: string, summary: RunSummary, finishedAt: string): Promise<void>;
  latestPublishedRunId(): Promise<string | undefined>;
}
