import type { Principal } from '../../domain/auth/roles';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { type PlanAnalysis, planAnalysis } from '../../domain/planning/plan-analysis';
import type { ObjectStore } from '../../ports/object-store';
import type { RunRepository } from '../../ports/run-repository';
import { getRun } from './get-run';

/** A planned run's analysis (certificate, budget curve, comparison, fairness, off-policy), as JSON or the page. */
export async function getPlan(
  deps: { runs: RunRepository; store: ObjectStore },
  runId: string,
  principal: Principal,
  format: 'json' | 'html',
): Promise<{ json: PlanAnalysis } | { html: string }> {
  const run = await getRun(deps.runs, runId, principal);
  const plan = run.summary?.plan;
  if (!plan?.analysis || !plan.report) {
    if (run.status === 'RUNNING')
      throw new ConflictError(`run ${runId} is still running; its plan is not made yet`);
    throw new NotFoundError(`run ${runId} has no plan analysis`);
  }
  return format === 'html'
    ? { html: await deps.store.readText(plan.report) }
    : { json: planAnalysis.parse(JSON.parse(await deps.store.readText(plan.analysis))) };
}
