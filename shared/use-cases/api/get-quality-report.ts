import type { Principal } from '../../domain/auth/roles';
import { NotFoundError } from '../../domain/errors';
import { type BatchQualityReport, batchQualityReport } from '../../domain/quality/index';
import type { ObjectStore } from '../../ports/object-store';
import type { RunRepository } from '../../ports/run-repository';
import { qualityReportRef } from '../intake/quality-report';
import { getRun } from './get-run';

/** The data-quality report of a run's batch, as JSON or as the page a person reads. */
export async function getQualityReport(
  deps: { runs: RunRepository; store: ObjectStore; lakeBucket: string },
  runId: string,
  principal: Principal,
  format: 'json' | 'html',
): Promise<{ json: BatchQualityReport } | { html: string }> {
  const run = await getRun(deps.runs, runId, principal);
  const refs = qualityReportRef(deps.lakeBucket, run.runId);
  if (!(await deps.store.head(refs.json))) {
    throw new NotFoundError(`run ${runId} has no quality report: its manifest could not be read`);
  }
  return format === 'html'
    ? { html: await deps.store.readText(refs.html) }
    : { json: batchQualityReport.parse(JSON.parse(await deps.store.readText(refs.json))) };
}
