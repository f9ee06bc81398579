import type { Principal } from '../../domain/auth/roles';
import { ConflictError } from '../../domain/errors';
import { type CostReport, costReport } from '../../domain/reporting/cost-report';
import type { ObjectStore } from '../../ports/object-store';
import type { RunRepository } from '../../ports/run-repository';
import { costReportRef } from '../publish-run';
import { getRun } from './get-run';

/** The cost report of a published run. */
export async function getCostReport(
  deps: { runs: RunRepository; store: ObjectStore; lakeBucket: string },
  runId: string,
  principal: Principal,
): Promise<CostReport> {
  const run = await getRun(deps.runs, runId, principal);
  if (run.status !== 'SUCCEEDED') {
    throw new ConflictError(`run ${runId} is ${run.status}; a cost report exists once a run has succeeded`);
  }
  return costReport.parse(JSON.parse(await deps.store.readText(costReportRef(deps.lakeBucket, runId))));
}
