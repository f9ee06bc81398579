import { canSeePartner, type Principal } from '../../domain/auth/roles';
import { NotFoundError } from '../../domain/errors';
import type { RunRecord } from '../../domain/runs/run-record';
import type { RunRepository } from '../../ports/run-repository';

/**
 * A run as `GET /runs/{runId}` shows it: status, row accounting, stage timings, summary, failure.
 * A partner asking for another partner's run is told it does not exist, not that it is hidden.
 */
export async function getRun(runs: RunRepository, runId: string, principal: Principal): Promise<RunRecord> {
  const run = await runs.get(runId);
  if (!run || !canSeePartner(principal, run.batch.partner))
    throw new NotFoundError(`run ${runId} does not exist`);
  return run;
}
