import { describe, expect, it } from 'vitest';
import { batchQualityReport } from '#shared/domain/quality/index';
import type { RunRecord } from '#shared/domain/runs/run-record';
import type { RunState } from '#shared/domain/runs/run-state';
import { qualityReportRef } from '#shared/use-cases/intake/quality-report';
import { validateBatch } from '#shared/use-cases/validate-batch';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';
import {
  buildBatch,
  LAKE_BUCKET,
  LIMITS,
  RecordingRunRepository,
  uploadBatch,
  validTables,
} from './batch-fixture';

async function validate(
  store: InMemoryObjectStore,
  state: RunState,
  earlierRuns: RunRecord[] = [],
  spec = {},
) {
  const runs = new RecordingRunRepository(earlierRuns);
  const result = await validateBatch(state, { store, runs, lakeBucket: LAKE_BUCKET, limits: LIMITS });
  const text = store.text(LAKE_BUCKET, qualityReportRef(LAKE_BUCKET, state.runId).json.key);
  return {
    output: result.output,
    runs,
    report: text ? batchQualityReport.parse(JSON.parse(text)) : undefined,
    spec,
  };
}

const asRun = (state: RunState, status: RunRecord['status'], partner = state.batch.partner): RunRecord => ({
  runId: state.runId,
  status,
  trigger: state.trigger,
  batch: { ...state.batch, partner },
  campaign: state.campaign,
  startedAt: state.startedAt,
  stages: {},
  files: [],
});

describe('the data-quality report of a batch', () => {
  it('is written beside the run, as JSON and as a page, profiling every accepted row', async () => {
    const store = new InMemoryObjectStore();
    const { output, report } = await validate(store, uploadBatch(store, buildBatch()));
    expect(output.qualityReport).toEqual(qualityReportRef(LAKE_BUCKET, 'run-001').json);
    expect(report?.datasets.map((d) => [d.dataset, d.rows]).sort()).toEqual(
      output.files.map((f) => [f.dataset, f.accepted]).sort(),
    );
    expect(report?.files.map((f) => f.key)).toEqual(output.files.map((f) => f.key));
    expect(report?.drift).toBeNull();
    const page = store.text(LAKE_BUCKET, qualityReportRef(LAKE_BUCKET, 'run-001').html.key) ?? '';
    for (const dataset of ['customers', 'transactions', 'responses']) expect(page).toContain(dataset);
  });

  it('is written for a refused batch too, with what was read before the refusal', async () => {
    const store = new InMemoryObjectStore();
    const tables = validTables();
    const broken = { header: tables.transactions.header.filter((h) => h !== 'quantity'), rows: [] };
    const { output, report } = await validate(
      store,
      uploadBatch(store, buildBatch({ files: { transactions: { table: broken } } })),
    );
    expect(output.status).toBe('REJECTED');
    expect(report?.files.map((f) => f.dataset)).toEqual([
      'customers',
      'products',
      'offers',
      'channels',
      'transactions',
    ]);
    expect(report?.datasets.map((d) => d.dataset).sort()).toEqual([
      'channels',
      'customers',
      'offers',
      'products',
    ]);
  });

  it("compares against the partner's last successful batch only", async () => {
    // Prepare: an earlier successful run of the same partner, a later failed one, another partner's.
    const store = new InMemoryObjectStore();
    const first = {
      ...uploadBatch(store, buildBatch()),
      runId: 'run-earlier',
      startedAt: '2026-02-28T08:00:00.000Z',
    };
    await validate(store, first);
    const failed = { ...first, runId: 'run-failed', startedAt: '2026-02-28T09:00:00.000Z' };
    const foreign = { ...first, runId: 'run-foreign', startedAt: '2026-02-28T10:00:00.000Z' };
    await validate(store, foreign);
    const current = {
      ...uploadBatch(store, buildBatch()),
      runId: 'run-now',
      startedAt: '2026-03-01T00:00:00.000Z',
    };
    // Act
    const { report, runs } = await validate(store, current, [
      asRun(foreign, 'SUCCEEDED', 'someone-else'),
      asRun(failed, 'FAILED'),
      asRun(first, 'SUCCEEDED'),
    ]);
    // Assess
    expect(runs.listCalls).toBeGreaterThan(0);
    expect(report?.drift?.againstRunId).toBe('run-earlier');
    // The same data again: nothing shifted.
    expect(
      report?.drift?.columns.filter((c) => c.status === 'compared' && c.verdict === 'significant'),
    ).toEqual([]);
  });
});
