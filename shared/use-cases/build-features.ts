import { dayOfIsoDate, isoDateOfDay } from '../domain/calendar';
import { type CampaignCatalog, campaignCatalog } from '../domain/catalog/campaign-catalog';
import type { CrossSellFile } from '../domain/cross-sell/cross-sell-file';
import { unbundledPairs } from '../domain/cross-sell/offer-suggestions';
import type { ProductPair } from '../domain/cross-sell/product-pairs';
import { ConfigurationError } from '../domain/errors';
import { CONTENDER_FACTOR, chooseFeatureCategories } from '../domain/features/feature-categories';
import { featureQueries, LABEL_WINDOWS, type QueryParameters } from '../domain/features/feature-queries';
import { RESPONSE_MODEL_NAME } from '../domain/registry/model-card';
import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { QueryRecord, RunState } from '../domain/runs/run-state';
import type { StageResult } from '../lambda/pipeline-stage';
import type { ObjectStore } from '../ports/object-store';
import type { CompletedQuery, QueryEngine, ResultRow } from '../ports/query-engine';
import { readChampionCard } from './scoring/model-registry';

export interface BuildFeaturesDeps {
  readonly store: ObjectStore;
  readonly queries: QueryEngine;
  readonly lakeBucket: string;
}

/** Days after a send in which a conversion counts as a response. */
export const RESPONSE_WINDOW_DAYS = 14;
/** Category shares become features for this many top categories. */
export const FEATURE_CATEGORIES = 8;
/** Categories ranked by revenue: those a champion's categories must be among to be kept. */
const RANKED_CATEGORIES = CONTENDER_FACTOR * FEATURE_CATEGORIES;
/** Co-purchased pairs kept: seen in at least 5 receipts of the year, the 1,000 strongest. */
const CO_PURCHASE = { minBaskets: 5, limit: 1000 };
/**
 * Cut-offs of the churn and value models' training snapshots, in days before the run's: the
 * latest whose churn window (90 days) and value window (180 days) the data covers, so the models
 * learn from the most recent behaviour that has an outcome.
 */
export const SNAPSHOT_OFFSETS_DAYS = [LABEL_WINDOWS.churnDays, LABEL_WINDOWS.valueDays] as const;
/** The stage's queries in the order the run's records list them, whatever order they finish in. */
const QUERY_ORDER = [
  'top_categories',
  'send_window',
  'offer_economics',
  'customer_features',
  'training_set',
  'customer_snapshots',
  'channels',
  'send_hours',
  'dataset_counts',
  'co_purchase',
] as const;
/** New-offer suggestions listed per run. */
const OFFER_SUGGESTIONS = 10;

async function collect(rows: AsyncIterable<ResultRow>): Promise<ResultRow[]> {
  const out: ResultRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const num = (v: string | null | undefined): number =>
  v === null || v === undefined || v === '' ? Number.NaN : Number(v);

/**
 * Computes the run's features with SQL over its curated snapshot: scoring features for every
 * customer as of the cut-off, a point-in-time training set from the campaign history, snapshots
 * at earlier cut-offs with churn and value labels, and the offer and channel catalogue. Large results stay in S3 as the engine wrote them.
 */
export async function buildFeatures(
  state: RunState,
  deps: BuildFeaturesDeps,
): Promise<StageResult<'features'>> {
  const asOf = state.stages.validate?.asOf;
  if (!asOf) throw new ConfigurationError('the validate stage did not establish a cut-off date (asOf)');
  const params: QueryParameters = { runId: state.runId, asOf, responseWindowDays: RESPONSE_WINDOW_DAYS };
  const records = new Map<string, QueryRecord>();
  const run = async (name: string, sql: string): Promise<CompletedQuery> => {
    const done = await deps.queries.run(name, sql);
    records.set(name, {
      name,
      queryExecutionId: done.queryExecutionId,
      bytesScanned: done.bytesScanned,
      engineMs: done.engineMs,
    });
    return done;
  };
  const small = async (name: string, sql: string): Promise<ResultRow[]> =>
    collect(deps.queries.rows((await run(name, sql)).queryExecutionId));

  const [rankedRows, [sendRow], offers] = await Promise.all([
    small('top_categories', featureQueries.topCategories(params, RANKED_CATEGORIES)),
    small('send_window', featureQueries.sendWindow(params)),
    small('offer_economics', featureQueries.offerEconomics(params)),
  ]);
  const ranked = rankedRows
    .map((r) => r.category)
    .filter((c): c is string => typeof c === 'string' && c.length > 0);
  // Known before the training set's SQL is rendered, it then reads only the months it needs.
  const sendWindow =
    sendRow?.first_send && sendRow.last_send
      ? { first: sendRow.first_send, last: sendRow.last_send }
      : undefined;
  const champion = await readChampionCard(
    RESPONSE_MODEL_NAME,
    deps.store,
    deps.lakeBucket,
    state.batch.partner,
  );
  const categoryChoice = chooseFeatureCategories(
    ranked,
    FEATURE_CATEGORIES,
    champion === undefined
      ? undefined
      : { version: champion.version, ...(champion.categories ? { categories: champion.categories } : {}) },
    [...new Set(offers.flatMap((o) => (o.target_category ? [o.target_category] : [])))].sort(),
  );
  const { categories } = categoryChoice;
  const snapshotCutOffs = SNAPSHOT_OFFSETS_DAYS.map((days) => isoDateOfDay(dayOfIsoDate(asOf) - days));
  // The rest depend on the categories (and the send window) only: submitted together, they run side by
  // side on Athena, and on the local endpoint one query's result upload overlaps the next one's run.
  const [scoring, training, snapshots, channels, sendHours, [counts], pairRows] = await Promise.all([
    run('customer_features', featureQueries.customerFeatures(params, categories)),
    run('training_set', featureQueries.trainingSet(params, categories, sendWindow)),
    run('customer_snapshots', featureQueries.customerSnapshots(params, snapshotCutOffs, categories)),
    small('channels', featureQueries.channels(params)),
    small('send_hours', featureQueries.sendHours(params)),
    small('dataset_counts', featureQueries.datasetCounts(params)),
    small('co_purchase', featureQueries.coPurchase(params, CO_PURCHASE)),
  ]);
  const queries = QUERY_ORDER.flatMap((name) => records.get(name) ?? []);

  const catalog: CampaignCatalog = campaignCatalog.parse({
    asOf,
    categories,
    offers: offers.map((o) => ({
      offerId: o.offer_id,
      name: o.name,
      kind: o.kind,
      targetCategory: o.target_category ?? null,
      targetProductId: o.target_product_id ?? null,
      discountPct: num(o.discount_pct),
      // Intake stored both as checked text: levels ascending, rules a JSON object of known keys.
      discountLevels: o.discount_levels ? o.discount_levels.split(';').map(Number) : [num(o.discount_pct)],
      eligibility: o.eligibility ? JSON.parse(o.eligibility) : null,
      validFrom: o.valid_from,
      validTo: o.valid_to,
      maxVolume: o.max_volume === null || o.max_volume === undefined ? null : num(o.max_volume),
      valuePerResponse: Number.isFinite(num(o.value_per_response)) ? num(o.value_per_response) : 0,
      marginRate: Number.isFinite(num(o.margin_rate)) ? num(o.margin_rate) : 0,
      historicalConversions: num(o.conversions),
    })),
    channels: channels.map((c) => ({
      channelId: c.channel_id,
      costPerContact: num(c.cost_per_contact),
      capacityPerDay: num(c.capacity_per_day),
      sendHours: sendHours.filter((h) => h.channel_id === c.channel_id).map((h) => num(h.send_hour)),
    })),
  });
  const catalogRef = { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).catalog };
  await deps.store.write(catalogRef, JSON.stringify(catalog, null, 2), 'application/json');

  const pairs = pairRows.map(
    (r): ProductPair => ({
      productA: r.product_a ?? '',
      productB: r.product_b ?? '',
      labelA: r.label_a ?? '',
      labelB: r.label_b ?? '',
      together: num(r.together),
      lift: num(r.lift),
      confidenceAToB: num(r.confidence_a_to_b),
      confidenceBToA: num(r.confidence_b_to_a),
    }),
  );
  const crossSell: CrossSellFile = {
    pairs,
    suggestions: unbundledPairs(pairs, catalog.offers, OFFER_SUGGESTIONS),
  };
  await deps.store.write(
    { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).crossSell },
    JSON.stringify(crossSell, null, 2),
    'application/json',
  );

  const customers = num(counts?.customers);
  const contacts = num(counts?.contacts);
  const trainingRows = num(counts?.training_contacts);
  return {
    output: {
      scoringFeatures: scoring.result,
      trainingSet: training.result,
      snapshots: snapshots.result,
      snapshotCutOffs,
      categories:
        categoryChoice.source === 'champion'
          ? { source: 'champion', champion: categoryChoice.champion }
          : { source: 'batch', reason: categoryChoice.reason },
      catalog: catalogRef,
      customers,
      trainingRows,
      queries,
    },
    counts: {
      customers,
      contacts,
      trainingRows,
      queries: queries.length,
      bytesScanned: queries.reduce((s, r) => s + r.bytesScanned, 0),
      coPurchasePairs: pairs.length,
    },
  };
}
