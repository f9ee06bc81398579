import type { StoredValue } from '../../domain/contracts/column';
import type { DatasetName } from '../../domain/contracts/datasets';
import { lakeTables } from '../../domain/lake/catalog';
import {
  type BatchQualityReport,
  batchQualityReport,
  buildBatchQualityReport,
  type DatasetProfile,
  DatasetProfiler,
  renderQualityReportHtml,
} from '../../domain/quality';
import type { FileAccount, RunState, S3Ref } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import type { RunRepository } from '../../ports/run-repository';
import type { RowObserver } from './dataset-sink';

/** Runs looked at, newest first, to find the partner's previous batch to compare with. */
const PREVIOUS_RUN_SEARCH = 200;

export function qualityReportRef(lakeBucket: string, runId: string): { json: S3Ref; html: S3Ref } {
  return {
    json: { bucket: lakeBucket, key: `runs/${runId}/quality/report.json` },
    html: { bucket: lakeBucket, key: `runs/${runId}/quality/report.html` },
  };
}

/** Profiles every accepted row of a batch, one profiler per dataset, in one pass. */
export class BatchProfiler {
  private readonly profilers = new Map<DatasetName, DatasetProfiler>();

  public constructor(private readonly seed: number) {}

  public readonly observe: RowObserver = (dataset, row) => {
    let profiler = this.profilers.get(dataset);
    if (!profiler) {
      const table = lakeTables.find((t) => t.name === dataset);
      if (!table) return;
      profiler = new DatasetProfiler(dataset, table.columns, { seed: this.seed });
      this.profilers.set(dataset, profiler);
    }
    profiler.add(row as Readonly<Record<string, StoredValue>>);
  };

  public profiles(): DatasetProfile[] {
    return [...this.profilers.values()].map((p) => p.profile());
  }
}

/** The partner's last published run before this one, with its report, if it has one. */
async function previousReport(
  deps: { store: ObjectStore; runs: RunRepository; lakeBucket: string },
  state: RunState,
): Promise<BatchQualityReport | undefined> {
  let cursor: string | undefined;
  let seen = 0;
  do {
    const page = await deps.runs.list(25, cursor);
    for (const run of page.runs) {
      seen += 1;
      const earlier = run.runId !== state.runId && run.startedAt < state.startedAt;
      if (!earlier || run.status !== 'SUCCEEDED' || run.batch.partner !== state.batch.partner) continue;
      try {
        const text = await deps.store.readText(qualityReportRef(deps.lakeBucket, run.runId).json);
        return batchQualityReport.parse(JSON.parse(text));
      } catch {
        return undefined; // a run from before quality reports existed: nothing to compare with
      }
    }
    cursor = page.nextCursor;
  } while (cursor && seen < PREVIOUS_RUN_SEARCH);
  return undefined;
}

/**
 * Writes the batch's data-quality report, as JSON and as a page a person reads, beside the run:
 * counts, null rates, distributions, freshness and drift against the partner's previous batch.
 */
export async function writeQualityReport(
  deps: { store: ObjectStore; runs: RunRepository; lakeBucket: string; now?: () => Date },
  input: {
    state: RunState;
    files: readonly FileAccount[];
    profiles: readonly DatasetProfile[];
    asOf: string;
  },
): Promise<S3Ref> {
  const now = deps.now?.() ?? new Date();
  const previous = await previousReport(deps, input.state);
  const report = buildBatchQualityReport({
    runId: input.state.runId,
    partner: input.state.batch.partner,
    batchId: input.state.batch.batchId,
    asOf: input.asOf,
    receivedAt: new Date(input.state.startedAt),
    generatedAt: now,
    files: input.files,
    profiles: input.profiles,
    reference: previous ? { runId: previous.runId, asOf: previous.asOf, datasets: previous.datasets } : null,
  });
  const refs = qualityReportRef(deps.lakeBucket, input.state.runId);
  await deps.store.write(refs.json, JSON.stringify(report), 'application/json');
  await deps.store.write(refs.html, renderQualityReportHtml(report), 'text/html; charset=utf-8');
  return refs.json;
}
