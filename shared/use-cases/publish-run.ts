import { campaignCatalog } from '../domain/catalog/campaign-catalog';
import type { Recommendation } from '../domain/recommendations/recommendation';
import { buildCostReport } from '../domain/reporting/cost-report';
import type { PriceTable } from '../domain/reporting/price-table';
import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { RunSummary } from '../domain/runs/run-record';
import type { RunState } from '../domain/runs/run-state';
import type { StageContext, StageResult } from '../lambda/pipeline-stage';
import type { ObjectStore } from '../ports/object-store';
import type { RecommendationRepository } from '../ports/recommendation-repository';
import type { RunRepository } from '../ports/run-repository';
import { numberCell, readCsvObjects } from './csv-objects';

export interface PublishDeps {
  readonly store: ObjectStore;
  readonly runs: RunRepository;
  readonly recommendations: RecommendationRepository;
  readonly lakeBucket: string;
  readonly prices: PriceTable;
  readonly now?: () => Date;
}

/**
 * States a successful run enters besides its six metered stages: RegisterRun, the two Choice
 * states and the final Succeed (see statemachines/campaign-run.asl.json).
 */
export const CONTROL_STATE_TRANSITIONS = 4;

export function costReportRef(lakeBucket: string, runId: string) {
  return { bucket: lakeBucket, key: runArtifactKeys(runId).costReport };
}

/** `{ [name]: value }` when the cell holds a number, `{}` when it is empty (a model the run skipped). */
function optionalNumber<K extends string>(name: K, cell: string | undefined): { [P in K]?: number } {
  const value = numberCell(cell);
  return Number.isFinite(value) ? ({ [name]: value } as { [P in K]?: number }) : {};
}

/**
 * Publishes a run: writes the recommendations, the cost report and the summary, then marks the
 * run SUCCEEDED and makes it the published run in one transaction. Until that last step the API
 * keeps serving the previous run, so a failure part-way publishes nothing.
 */
export async function publishRun(
  state: RunState,
  context: StageContext,
  deps: PublishDeps,
): Promise<StageResult<'publish'>> {
  const { validate, features, segment, score, allocate } = state.stages;
  if (!validate?.asOf || !features || !segment || !score || !allocate) {
    throw new Error('publish needs the output of every earlier stage');
  }
  const catalog = campaignCatalog.parse(JSON.parse(await deps.store.readText(features.catalog)));
  const offerNames = new Map(catalog.offers.map((o) => [o.offerId, o.name]));

  async function* recommendations(): AsyncIterable<Recommendation> {
    if (!allocate) return;
    for await (const row of readCsvObjects(deps.store, allocate.plan)) {
      if (row.decision !== 'target') continue;
      yield {
        customerId: row.customer_id ?? '',
        runId: state.runId,
        rank: 1,
        offerId: row.offer_id ?? '',
        offerName: offerNames.get(row.offer_id ?? '') ?? '',
        channelId: row.channel_id ?? '',
        discountPct: numberCell(row.discount_pct, 0),
        sendWindow: row.send_window ?? '',
        sendDate: state.campaign.sendDate,
        segment: row.segment ?? '',
        pTreated: numberCell(row.p_treated, 0),
        pControl: numberCell(row.p_control, 0),
        expectedIncrementalProfit: numberCell(row.expected_profit, 0),
        expectedCost: numberCell(row.expected_cost, 0),
        reasons: (row.reasons ?? '').split(' | ').filter((r) => r.length > 0),
        ...optionalNumber('churnProbability', row.churn_probability),
        ...optionalNumber('value180d', row.value_180d),
      };
    }
  }
  const { written } = await deps.recommendations.putAll(recommendations());

  const run = await deps.runs.get(state.runId);
  if (!run) throw new Error(`run ${state.runId} is not registered`);
  const now = deps.now?.() ?? new Date();
  const selfRecord = {
    status: 'SUCCEEDED' as const,
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    durationMs: context.usageSoFar().lambdaMs,
    counts: {},
    usage: context.usageSoFar(),
  };
  const report = buildCostReport({
    runId: state.runId,
    stages: { ...run.stages, publish: selfRecord },
    plan: allocate.summary,
    prices: deps.prices,
    campaignCurrency: state.campaign.currency,
    controlStateTransitions: CONTROL_STATE_TRANSITIONS,
    now,
  });
  const reportRef = costReportRef(deps.lakeBucket, state.runId);
  await deps.store.write(reportRef, JSON.stringify(report, null, 2), 'application/json');

  const rows = validate.files.reduce(
    (t, f) => ({ in: t.in + f.rowsIn, accepted: t.accepted + f.accepted, rejected: t.rejected + f.rejected }),
    { in: 0, accepted: 0, rejected: 0 },
  );
  const summary: RunSummary = {
    asOf: validate.asOf,
    rows,
    segments: segment.profiles,
    plan: allocate.summary,
    model: {
      backend: score.backend,
      holdoutAuc: score.metrics.holdoutAuc,
      holdoutQini: score.metrics.holdoutQini,
      ...(score.responseBasis ? { responseBasis: score.responseBasis } : {}),
    },
    ...(score.customerValue ? { customerModels: score.customerValue } : {}),
    ...(state.stages.features?.categories ? { featureCategories: state.stages.features.categories } : {}),
    runCost: report.aws.total,
    currency: report.aws.currency,
  };
  await deps.runs.publish(state.runId, summary, now.toISOString());
  return {
    output: { recommendations: written, costReport: reportRef },
    counts: { recommendations: written },
  };
}
