import { NotFoundError } from '../../domain/errors';
import type { RunRecord } from '../../domain/runs/run-record';
import type { RunRepository } from '../../ports/run-repository';

/** A run as `GET /runs/{runId}` shows it: status, row accounting, stage timings, summary, failure. */
export async function getRun(runs: RunRepository, runId: string): Promise<RunRecord> {
  const run = await runs.get(runId);
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  return run;
}
