import { type CampaignCatalog, campaignCatalog } from '../domain/catalog/campaign-catalog';
import { DomainError } from '../domain/errors';
import { type FeatureVector, featureVectorFor, writeFeatures } from '../domain/features/feature-vector';
import {
  levelInput,
  type ScoredAction,
  scoredActions,
  withLevelColumn,
} from '../domain/planning/scored-actions';
import {
  CHAMPION_METRIC,
  type Challenger,
  type ChampionDecision,
  type ChampionPointer,
  decideChampion,
  headsMismatch,
  parseChampionPointer,
  promotedPointer,
} from '../domain/registry/champion';
import { stableHoldout } from '../domain/registry/holdout';
import {
  championPointerKey,
  type DataWindow,
  featureListHash,
  MODEL_FILES,
  type ModelCard,
  modelCard,
  modelVersionPrefix,
} from '../domain/registry/model-card';
import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { Arm, RunState, ScoreOutput } from '../domain/runs/run-state';
import { ResponseModelError } from '../domain/scoring/errors';
import { evaluateHoldout, type HoldoutEvaluation } from '../domain/scoring/evaluation';
import {
  loadResponseModel,
  type ModelArtifacts,
  type ResponseModel,
  type ResponseModelOptions,
  trainResponseModel,
} from '../domain/scoring/response-model';
import { initTensorflow } from '../domain/scoring/tensorflow';
import { upliftImportance } from '../domain/scoring/uplift-importance';
import { DEFAULT_OPTIONS } from '../domain/scoring/validation';
import type { StageResult } from '../lambda/pipeline-stage';
import { ObjectNotFoundError, type ObjectStore } from '../ports/object-store';
import { readCsvObjects, writeCsvObjects } from './csv-objects';

/**
 * Training settings a caller may override. The holdout is not one of them: a different share would
 * hold out rows an earlier champion trained on (see `stableHoldout`).
 */
export type TrainingOverrides = Partial<
  Pick<ResponseModelOptions, 'hiddenUnits' | 'epochs' | 'batchSize' | 'learningRate' | 'l2Regularization'>
>;

export interface ScoreDeps {
  readonly store: ObjectStore;
  readonly lakeBucket: string;
  /** Stamps the model card and a promotion; the wall clock when absent. */
  readonly now?: () => Date;
  /** Departures from the response model's defaults, for experiments and tests. */
  readonly training?: TrainingOverrides;
}

/** The registry name of the response model. */
const MODEL_NAME = 'response';

/** Inputs whose permutation importance the stage reports: enough for reason codes, small for the payload. */
const TOP_FEATURES = 10;
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
  /** A stable key per contact, which decides whether it is held out. */
  keys: string[];
  rows: number;
  skipped: number;
  /** Send dates of the earliest and latest contact, when the training set carries them. */
  firstContact: string | null;
  lastContact: string | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** The contact id, or what identifies a contact in a training set without one. */
const contactKey = (r: Record<string, string>): string =>
  r.contact_id ||
  [r.customer_id, r.campaign_id, r.assignment, r.offer_id, r.channel_id, r.discount_pct].join('|');

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
  let firstContact: string | null = null;
  let lastContact: string | null = null;
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
    // A training row's as_of is the day its contact was sent (its features stop the day before).
    const sent = ISO_DATE.exec(r.as_of ?? '')?.[0];
    if (sent !== undefined) {
      if (firstContact === null || sent < firstContact) firstContact = sent;
      if (lastContact === null || sent > lastContact) lastContact = sent;
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
    keys: records.map(contactKey),
    rows: records.length,
    skipped,
    firstContact,
    lastContact,
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

interface LabelledRows {
  rows: number;
  features: Float32Array;
  arm: Int32Array;
  label: Uint8Array;
}

function gatherRows(training: TrainingRows, indices: Int32Array): LabelledRows {
  const width = training.vector.names.length + 1;
  const out: LabelledRows = {
    rows: indices.length,
    features: new Float32Array(indices.length * width),
    arm: new Int32Array(indices.length),
    label: new Uint8Array(indices.length),
  };
  indices.forEach((row, i) => {
    out.features.set(training.features.subarray(row * width, (row + 1) * width), i * width);
    out.arm[i] = training.arm[row] as number;
    out.label[i] = training.label[row] as number;
  });
  return out;
}

function evaluate(model: ResponseModel, holdout: LabelledRows, arms: number): HoldoutEvaluation {
  const predictions =
    holdout.rows === 0 ? new Float32Array(0) : model.predict(holdout.features, holdout.rows);
  return evaluateHoldout(predictions, holdout.arm, holdout.label, arms);
}

function cardMetrics(
  trainRows: number,
  holdoutRows: number,
  evaluation: HoldoutEvaluation,
  trainingMs: number,
): ModelCard['metrics'] {
  return {
    trainRows,
    holdoutRows,
    holdoutAuc: finiteOrNull(evaluation.auc),
    holdoutQini: finiteOrNull(evaluation.qini),
    holdoutLogLoss: finiteOrNull(evaluation.logLoss),
    holdoutQiniByArm: evaluation.qiniByArm.map((q) => ({ ...q, qini: finiteOrNull(q.qini) })),
    calibration: evaluation.calibration.map((c) => ({
      ...c,
      meanPredicted: finiteOrNull(c.meanPredicted),
      observedRate: finiteOrNull(c.observedRate),
    })),
    trainingMs,
  };
}

function outputMetrics(trainRows: number, holdoutRows: number, e: HoldoutEvaluation): ScoreOutput['metrics'] {
  return {
    trainRows,
    holdoutRows,
    holdoutAuc: finiteOrNull(e.auc),
    holdoutQini: finiteOrNull(e.qini),
    holdoutLogLoss: finiteOrNull(e.logLoss),
  };
}

async function readBytes(store: ObjectStore, ref: { bucket: string; key: string }): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.read(ref)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The champion pointer; a missing one is no champion, an unreadable one is reported for the output. */
async function readChampionPointer(
  store: ObjectStore,
  bucket: string,
  partner: string,
): Promise<{ pointer?: ChampionPointer; problem?: string }> {
  let text: string;
  try {
    text = await store.readText({ bucket, key: championPointerKey(MODEL_NAME, partner) });
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return {};
    throw error;
  }
  return parseChampionPointer(text);
}

interface Champion {
  version: string;
  prefix: string;
  model: ResponseModel;
  card: ModelCard;
}

/**
 * Loads the champion the pointer names, or says why it cannot score this run. Missing or malformed
 * artifacts make it unusable; any other failure (S3 down) is thrown, so that a transient error fails
 * the stage for a retry instead of quietly handing the title to the challenger.
 */
async function loadChampion(
  store: ObjectStore,
  bucket: string,
  pointer: ChampionPointer,
  run: { arms: readonly Arm[]; actions: readonly ScoredAction[]; featureCount: number },
): Promise<Champion | { unusable: string }> {
  const prefix = modelVersionPrefix(MODEL_NAME, pointer.version);
  const at = (file: string) => ({ bucket, key: `${prefix}${file}` });
  try {
    const parsed = modelCard.safeParse(JSON.parse(await store.readText(at(MODEL_FILES.card))));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      return { unusable: `its model card is not readable (${issues.slice(0, 3).join('; ')})` };
    }
    const card = parsed.data;
    if (card.featureHash !== pointer.featureHash) {
      return { unusable: 'its model card and the champion pointer disagree on its feature list' };
    }
    const mismatch = headsMismatch(card, run);
    if (mismatch !== undefined) return { unusable: mismatch };
    const artifacts: ModelArtifacts = {
      modelJson: await store.readText(at(MODEL_FILES.modelJson)),
      weights: await readBytes(store, at(MODEL_FILES.weights)),
    };
    const model = await loadResponseModel(artifacts);
    if (model.featureCount !== run.featureCount || model.arms !== run.arms.length) {
      model.dispose();
      return {
        unusable: `its network takes ${model.featureCount} inputs for ${model.arms} arms; this run has ${run.featureCount} and ${run.arms.length}`,
      };
    }
    return { version: pointer.version, prefix, model, card };
  } catch (error) {
    if (
      error instanceof ObjectNotFoundError ||
      error instanceof ResponseModelError ||
      error instanceof SyntaxError
    ) {
      return { unusable: error.message };
    }
    throw error;
  }
}

async function writeModel(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  artifacts: ModelArtifacts,
  card: ModelCard,
): Promise<void> {
  const at = (file: string) => ({ bucket, key: `${prefix}${file}` });
  await store.write(at(MODEL_FILES.modelJson), artifacts.modelJson, 'application/json');
  await store.write(at(MODEL_FILES.weights), artifacts.weights, 'application/octet-stream');
  await store.write(at(MODEL_FILES.card), JSON.stringify(card, null, 2), 'application/json');
}

/**
 * Trains this run's response model (the challenger) on the randomized campaign history and stores it
 * as a new version in the registry, then scores every customer for every action with the champion:
 * the challenger when it is no worse on the held-out metric than the current champion measured on the
 * same held-out rows, or when the champion cannot score this batch; the current champion otherwise.
 */
export async function scoreRunCustomers(state: RunState, deps: ScoreDeps): Promise<StageResult<'score'>> {
  const features = state.stages.features;
  if (!features) throw new Error('score needs the features stage output');
  const { backend } = await initTensorflow();
  const now = deps.now ?? (() => new Date());
  const catalog = campaignCatalog.parse(JSON.parse(await deps.store.readText(features.catalog)));
  const training = await readTrainingRows(deps.store, state, catalog);
  const arms = training.arms.length;
  const featureCount = training.vector.names.length + 1;

  // The stage holds the rows out itself rather than leaving it to the trainer, because only the stage
  // sees both models: the champion is measured on the very rows the challenger is, which neither saw.
  const split = stableHoldout(training.keys, training.arm, arms, DEFAULT_OPTIONS.holdoutFraction);
  const train = gatherRows(training, split.train);
  const holdout = gatherRows(training, split.holdout);
  const { model: trained, metrics: fit } = await trainResponseModel(
    { ...train, featureCount },
    { ...deps.training, seed: state.campaign.seed, arms, holdoutFraction: 0 },
  );
  const artifacts = await trained.toArtifacts();
  trained.dispose();
  // Measure and score the model as stored, so what runs is exactly what the registry holds.
  const challengerModel = await loadResponseModel(artifacts);
  const challengerEvaluation = evaluate(challengerModel, holdout, arms);

  const actions = scoredActions(training.arms, catalog.offers, training.observedLevels);
  const version = state.runId;
  const prefix = modelVersionPrefix(MODEL_NAME, version);
  const inputs = [...training.vector.specs, { name: 'discount_level', transform: 'percent_as_fraction' }];
  const dataWindow: DataWindow = {
    asOf: catalog.asOf,
    firstContact: training.firstContact,
    lastContact: training.lastContact,
    trainingContacts: training.rows,
    skippedContacts: training.skipped,
  };
  const card: ModelCard = {
    name: MODEL_NAME,
    version,
    trainedAt: now().toISOString(),
    dataWindow,
    features: [...training.vector.names],
    featureHash: featureListHash(inputs),
    inputs: inputs.map((i) => i.name),
    arms: training.arms,
    actions,
    metrics: cardMetrics(train.rows, holdout.rows, challengerEvaluation, fit.trainingMs),
    backend,
  };
  // Every version is kept, champion or not, so that any run's scores can be traced to its model.
  await writeModel(deps.store, deps.lakeBucket, prefix, artifacts, card);

  const challenger: Challenger = {
    version,
    metric: { name: CHAMPION_METRIC, value: card.metrics.holdoutQini },
    featureHash: card.featureHash,
    dataWindow,
  };
  const { pointer, problem } = await readChampionPointer(deps.store, deps.lakeBucket, state.batch.partner);
  let champion: (Champion & { evaluation: HoldoutEvaluation }) | undefined;
  let decision: ChampionDecision;
  // A champion over other features is not even loaded: decideChampion hands the title over unmeasured.
  if (
    pointer !== undefined &&
    pointer.version !== version &&
    pointer.featureHash === challenger.featureHash
  ) {
    const loaded = await loadChampion(deps.store, deps.lakeBucket, pointer, {
      arms: training.arms,
      actions,
      featureCount,
    });
    if ('unusable' in loaded) {
      decision = {
        promote: true,
        reason: `champion ${pointer.version} cannot score this batch: ${loaded.unusable}`,
      };
    } else {
      // Re-measured here rather than trusted from the pointer: a metric from another run's holdout
      // is on other rows and cannot rank the two models.
      champion = { ...loaded, evaluation: evaluate(loaded.model, holdout, arms) };
      const remeasured = { name: CHAMPION_METRIC, value: finiteOrNull(champion.evaluation.qini) };
      decision = decideChampion({ ...pointer, metric: remeasured }, challenger);
    }
  } else {
    decision = decideChampion(pointer, challenger);
  }
  if (problem !== undefined) {
    decision = {
      ...decision,
      reason: `the champion pointer could not be read (${problem}) and was treated as absent: ${decision.reason}`,
    };
  }
  const kept = !decision.promote && champion !== undefined ? champion : undefined;
  (kept === undefined ? champion?.model : challengerModel)?.dispose();
  const scorer = kept?.model ?? challengerModel;

  const scoresRef = { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).scores };
  const header = ['customer_id', 'p_control', ...actions.map((_, i) => `p_action_${i + 1}`)];
  let written: { rows: number };
  // What moves the scoring model's uplift most, for the reason codes of each recommendation.
  const names = training.vector.names;
  const importance = upliftImportance(
    scorer,
    holdout.features,
    holdout.rows,
    names.length + 1,
    names,
    state.campaign.seed,
  )
    .slice(0, TOP_FEATURES)
    .map((f) => ({ feature: f.feature, importance: Number(f.importance.toPrecision(4)) }));
  try {
    written = await writeCsvObjects(
      deps.store,
      scoresRef,
      header,
      scoreRows(deps.store, state, scorer, training.vector, actions),
    );
  } finally {
    scorer.dispose();
  }
  // Promoted only once the run has scored with it, so a failed run leaves the registry as it was.
  if (decision.promote) {
    await deps.store.write(
      { bucket: deps.lakeBucket, key: championPointerKey(MODEL_NAME, state.batch.partner) },
      JSON.stringify(
        promotedPointer(MODEL_NAME, pointer, challenger, {
          promotedAt: now().toISOString(),
          reason: decision.reason,
        }),
        null,
        2,
      ),
      'application/json',
    );
  }

  const previousChampion =
    pointer === undefined
      ? null
      : pointer.version === version
        ? (pointer.history[0]?.version ?? null)
        : pointer.version;
  return {
    output: {
      scores: scoresRef,
      modelPrefix: { bucket: deps.lakeBucket, key: kept?.prefix ?? prefix },
      arms: training.arms,
      actions,
      backend,
      metrics:
        kept === undefined
          ? outputMetrics(train.rows, holdout.rows, challengerEvaluation)
          : outputMetrics(kept.card.metrics.trainRows, holdout.rows, kept.evaluation),
      importance,
      model: {
        version: kept?.version ?? version,
        champion: decision.promote,
        reason: decision.reason,
        metric: CHAMPION_METRIC,
        challengerMetric: challenger.metric.value,
        championMetric: champion === undefined ? null : finiteOrNull(champion.evaluation.qini),
        previousChampion,
      },
    },
    counts: {
      trainingContacts: training.rows,
      arms,
      actions: actions.length,
      customersScored: written.rows,
    },
  };
}
