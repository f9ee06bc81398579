import { canSeePartner, type Principal } from '../../domain/auth/roles';
import type { RunRecord } from '../../domain/runs/run-record';
import type { RunRepository } from '../../ports/run-repository';

export interface RunListItem {
  readonly runId: string;
  readonly status: RunRecord['status'];
  readonly trigger: RunRecord['trigger']['source'];
  readonly partner: string;
  readonly batchId: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly failure?: string;
  readonly targetedCustomers?: number;
}

export function toListItem(run: RunRecord): RunListItem {
  return {
    runId: run.runId,
    status: run.status,
    trigger: run.trigger.source,
    partner: run.batch.partner,
    batchId: run.batch.batchId,
    startedAt: run.startedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(run.failure ? { failure: run.failure.message } : {}),
    ...(run.summary ? { targetedCustomers: run.summary.plan.targetedCustomers } : {}),
  };
}

/** Runs, newest first, a page at a time; a partner sees only the runs of its own batches. */
export async function listRuns(runs: RunRepository, principal: Principal, limit: number, cursor?: string) {
  const page = await runs.list(limit, cursor);
  return {
    runs: page.runs.filter((r) => canSeePartner(principal, r.batch.partner)).map(toListItem),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
