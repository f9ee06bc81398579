import { type CampaignCatalog, campaignCatalog } from '../domain/catalog/campaign-catalog';
import { DomainError } from '../domain/errors';
import { type FeatureVector, featureVectorFor, writeFeatures } from '../domain/features/feature-vector';
import {
  levelInput,
  type ScoredAction,
  scoredActions,
  withLevelColumn,
} from '../domain/planning/scored-actions';
import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { Arm, RunState } from '../domain/runs/run-state';
import { loadResponseModel, type ResponseModel, trainResponseModel } from '../domain/scoring/response-model';
import { initTensorflow } from '../domain/scoring/tensorflow';
import type { StageResult } from '../lambda/pipeline-stage';
import type { ObjectStore } from '../ports/object-store';
import { readCsvObjects, writeCsvObjects } from './csv-objects';

export interface ScoreDeps {
  readonly store: ObjectStore;
  readonly lakeBucket: string;
}

/** Customers scored per model call: large batches keep the wasm backend fast, bounded ones keep memory flat. */
const SCORING_CHUNK = 20_000;

export class NoRandomizedHistoryError extends DomainError {
  public constructor(message: string) {
    super(message);
    this.name = 'NoRandomizedHistoryError';
  }
}

const armKey = (offerId: string, channelId: string): string => `${offerId}|${channelId}`;
const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

interface TrainingRows {
  vector: FeatureVector;
  arms: Arm[];
  /** Discount levels each offer was sent at, by offer id. */
  observedLevels: Map<string, Set<number>>;
  /** rows × (features + 1): the customer's features, then the discount level sent (0 for control). */
  features: Float32Array;
  arm: Int32Array;
  label: Uint8Array;
  rows: number;
  skipped: number;
}

/**
 * Reads the training set and keeps the contacts the model can learn from: the control group and
 * the treated contacts whose offer and channel can still be used.
 */
async function readTrainingRows(
  store: ObjectStore,
  state: RunState,
  catalog: CampaignCatalog,
): Promise<TrainingRows> {
  const features = state.stages.features;
  if (!features) throw new Error('score needs the features stage output');
  const offers = new Set(catalog.offers.map((o) => o.offerId));
  const channels = new Set<string>(catalog.channels.map((c) => c.channelId));
  const records: Record<string, string>[] = [];
  const armKeys = new Set<string>();
  const observedLevels = new Map<string, Set<number>>();
  let skipped = 0;
  for await (const r of readCsvObjects(store, features.trainingSet)) {
    if (r.assignment === 'treatment') {
      if (!r.offer_id || !r.channel_id || !offers.has(r.offer_id) || !channels.has(r.channel_id)) {
        skipped += 1;
        continue;
      }
      armKeys.add(armKey(r.offer_id, r.channel_id));
      const level = Number(r.discount_pct);
      if (r.discount_pct && Number.isFinite(level)) {
        const levels = observedLevels.get(r.offer_id) ?? new Set<number>();
        levels.add(level);
        observedLevels.set(r.offer_id, levels);
      }
    }
    records.push(r);
  }
  const arms = [...armKeys].sort().map((key): Arm => {
    const [offerId = '', channelId = ''] = key.split('|');
    return { armId: key, offerId, channelId };
  });
  const controls = records.filter((r) => r.assignment === 'control').length;
  if (arms.length === 0 || controls === 0) {
    throw new NoRandomizedHistoryError(
      `the campaign history has ${controls} control and ${records.length - controls} usable treated contacts; the response model needs both a randomized control group and treated contacts`,
    );
  }
  const armIndex = new Map(arms.map((a, i) => [a.armId, i + 1]));
  const vector = featureVectorFor(Object.keys(records[0] ?? {}));
  const width = vector.names.length + 1;
  const out: TrainingRows = {
    vector,
    arms,
    observedLevels,
    features: new Float32Array(records.length * width),
    arm: new Int32Array(records.length),
    label: new Uint8Array(records.length),
    rows: records.length,
    skipped,
  };
  for (const [i, r] of records.entries()) {
    writeFeatures(vector, r, out.features, i * width);
    const level = r.assignment === 'control' ? 0 : Number(r.discount_pct);
    out.features[(i + 1) * width - 1] = levelInput(Number.isFinite(level) ? level : 0);
    out.arm[i] =
      r.assignment === 'control' ? 0 : (armIndex.get(armKey(r.offer_id ?? '', r.channel_id ?? '')) ?? 0);
    out.label[i] = r.converted === '1' ? 1 : 0;
  }
  return out;
}

/**
 * Scores customers chunk by chunk into CSV rows: P(response | control), then P(response | action) per
 * action. The model runs once per discount level (the control pass at level 0), each action read from
 * its arm's head at its own level.
 */
async function* scoreRows(
  store: ObjectStore,
  state: RunState,
  model: ResponseModel,
  vector: FeatureVector,
  actions: readonly ScoredAction[],
): AsyncIterable<(string | number)[]> {
  const features = state.stages.features;
  if (!features) throw new Error('score needs the features stage output');
  const width = vector.names.length;
  let ids: string[] = [];
  let buffer = new Float32Array(SCORING_CHUNK * width);
  const levels = [...new Set([0, ...actions.map((a) => a.discountPct)])];
  const heads = model.arms + 1;
  function* flush(): Iterable<(string | number)[]> {
    const rows = ids.length;
    const base = buffer.subarray(0, rows * width);
    const byLevel = new Map(
      levels.map((level) => [
        level,
        model.predict(withLevelColumn(base, rows, width, levelInput(level)), rows),
      ]),
    );
    const control = byLevel.get(0) as Float32Array;
    const columns = actions.map((a) => ({ p: byLevel.get(a.discountPct) as Float32Array, head: a.arm }));
    const round = (p: number | undefined) => Number((p ?? 0).toFixed(6));
    for (const [i, id] of ids.entries()) {
      const row: (string | number)[] = [id, round(control[i * heads])];
      for (const c of columns) row.push(round(c.p[i * heads + c.head]));
      yield row;
    }
    ids = [];
    buffer = new Float32Array(SCORING_CHUNK * width);
  }
  for await (const r of readCsvObjects(store, features.scoringFeatures)) {
    writeFeatures(vector, r, buffer, ids.length * width);
    ids.push(r.customer_id ?? '');
    if (ids.length === SCORING_CHUNK) yield* flush();
  }
  if (ids.length > 0) yield* flush();
}

/**
 * Trains the multi-arm response model on the randomized campaign history, stores it as a
 * versioned artifact and scores every customer for every arm.
 */
export async function scoreRunCustomers(state: RunState, deps: ScoreDeps): Promise<StageResult<'score'>> {
  const features = state.stages.features;
  if (!features) throw new Error('score needs the features stage output');
  const { backend } = await initTensorflow();
  const catalog = campaignCatalog.parse(JSON.parse(await deps.store.readText(features.catalog)));
  const training = await readTrainingRows(deps.store, state, catalog);
  const { model: trained, metrics } = await trainResponseModel(
    {
      rows: training.rows,
      featureCount: training.vector.names.length + 1,
      features: training.features,
      arm: training.arm,
      label: training.label,
    },
    { seed: state.campaign.seed, arms: training.arms.length },
  );

  const actions = scoredActions(training.arms, catalog.offers, training.observedLevels);
  const prefix = runArtifactKeys(state.runId).responseModel;
  const artifacts = await trained.toArtifacts();
  trained.dispose();
  await deps.store.write(
    { bucket: deps.lakeBucket, key: `${prefix}model.json` },
    artifacts.modelJson,
    'application/json',
  );
  await deps.store.write(
    { bucket: deps.lakeBucket, key: `${prefix}weights.bin` },
    artifacts.weights,
    'application/octet-stream',
  );
  const card = {
    name: 'response',
    version: state.runId,
    dataWindow: { asOf: catalog.asOf, trainingContacts: training.rows, skippedContacts: training.skipped },
    features: training.vector.names,
    /** The model's inputs: the features, then the discount level sent as a fraction (0 = control). */
    inputs: [...training.vector.names, 'discount_level'],
    arms: training.arms,
    actions,
    metrics,
    backend,
  };
  await deps.store.write(
    { bucket: deps.lakeBucket, key: `${prefix}model-card.json` },
    JSON.stringify(card, null, 2),
    'application/json',
  );

  // Score with the model as stored, so what runs is exactly what the registry holds.
  const model = await loadResponseModel(artifacts);
  const scoresRef = { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).scores };
  const header = ['customer_id', 'p_control', ...actions.map((_, i) => `p_action_${i + 1}`)];
  const written = await writeCsvObjects(
    deps.store,
    scoresRef,
    header,
    scoreRows(deps.store, state, model, training.vector, actions),
  );
  model.dispose();

  return {
    output: {
      scores: scoresRef,
      modelPrefix: { bucket: deps.lakeBucket, key: prefix },
      arms: training.arms,
      actions,
      backend,
      metrics: {
        trainRows: metrics.trainRows,
        holdoutRows: metrics.holdoutRows,
        holdoutAuc: finiteOrNull(metrics.holdoutAuc),
        holdoutQini: finiteOrNull(metrics.holdoutQini),
        holdoutLogLoss: finiteOrNull(metrics.holdoutLogLoss),
      },
    },
    counts: {
      trainingContacts: training.rows,
      arms: training.arms.length,
      actions: actions.length,
      customersScored: written.rows,
    },
  };
}
