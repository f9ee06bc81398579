import { campaignCatalog } from '../domain/catalog/campaign-catalog';
import { type FeatureVector, featureColumns, writeFeatureCells } from '../domain/features/feature-vector';
import {
  levelInput,
  type ScoredAction,
  scoredActions,
  withLevelColumn,
} from '../domain/planning/scored-actions';
import { CHAMPION_METRIC, type Challenger, promotedPointer } from '../domain/registry/champion';
import { stableHoldout } from '../domain/registry/holdout';
import {
  type DataWindow,
  featureListHash,
  type ModelCard,
  modelVersionPrefix,
  RESPONSE_MODEL_NAME,
} from '../domain/registry/model-card';
import { finiteOrNull, formatFixed } from '../domain/rounding';
import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { ResponseBasis, RunState, ScoreOutput } from '../domain/runs/run-state';
import type { HoldoutEvaluation } from '../domain/scoring/evaluation';
import { armFactorsOf } from '../domain/scoring/factored-heads';
import {
  baselineFromPropensity,
  DEFAULT_PRIOR_UPLIFT_SHARE,
  priorUpliftPredictor,
} from '../domain/scoring/prior-uplift';
import {
  loadResponseModel,
  type ResponseModel,
  type ResponseModelOptions,
  trainResponseModel,
} from '../domain/scoring/response-model';
import { initTensorflow } from '../domain/scoring/tensorflow';
import { upliftImportance } from '../domain/scoring/uplift-importance';
import { scaledUplift, upliftSlope } from '../domain/scoring/uplift-slope';
import { DEFAULT_OPTIONS } from '../domain/scoring/validation';
import type { StageResult } from '../lambda/pipeline-stage';
import type { ObjectStore } from '../ports/object-store';
import { csvTextCell, readCsvRecords, writeCsvLines } from './csv-objects';
import { scoreCustomerValue } from './scoring/customer-value-models';
import { fitOnAllRows, fitsOnAllRows, loadFinalFit } from './scoring/final-fit';
import { lostPromotion, writeChampionPointer, writeModel } from './scoring/model-registry';
import {
  evaluate,
  gatherRows,
  selectScoringModel,
  selectWithoutControl,
  withoutControl,
} from './scoring/response-selection';
import { readTrainingRows } from './scoring/training-rows';

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

/** The registry name of a response model trained without a control group; never a champion. */
const PROPENSITY_MODEL_NAME = 'propensity';

/** Inputs whose permutation importance the stage reports: enough for reason codes, small for the payload. */
const TOP_FEATURES = 10;
/** Customers scored per model call: large batches keep the wasm backend fast, bounded ones keep memory flat. */
const SCORING_CHUNK = 20_000;

/**
 * Scores customers chunk by chunk into CSV lines: the customer id, P(response | control), then
 * P(response | action) per action, each to 6 decimals. The model runs once per discount level (the
 * control pass at level 0), each action read from its arm's head at its own level. With a prior
 * uplift share the model has no control head, and P(response | control) is the baseline implied by
 * the row's action propensities. Each action's uplift over control is scaled by `slope` (the
 * holdout's uplift slope, 1 for none).
 */
async function* scoreRows(
  store: ObjectStore,
  state: RunState,
  model: ResponseModel,
  vector: FeatureVector,
  actions: readonly ScoredAction[],
  priorUpliftShare: number | null,
  slope: number,
): AsyncIterable<string> {
  const features = state.stages.features;
  if (!features) throw new Error('score needs the features stage output');
  const width = vector.names.length;
  let ids: string[] = [];
  let buffer = new Float32Array(SCORING_CHUNK * width);
  const levels = [...new Set([0, ...actions.map((a) => a.discountPct)])];
  const heads = model.arms + 1;
  function* flush(): Iterable<string> {
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
    const propensities = new Float64Array(columns.length);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < columns.length; k++) {
        const c = columns[k] as (typeof columns)[number];
        propensities[k] = c.p[i * heads + c.head] ?? 0;
      }
      const pControl =
        priorUpliftShare === null
          ? (control[i * heads] ?? 0)
          : baselineFromPropensity(propensities, priorUpliftShare);
      let line = `${csvTextCell(ids[i] as string)},${formatFixed(pControl, 6)}`;
      for (const p of propensities) line += `,${formatFixed(scaledUplift(pControl, p, slope), 6)}`;
      yield `${line}\n`;
    }
    ids = [];
    buffer = new Float32Array(SCORING_CHUNK * width);
  }
  let columns: Int32Array | undefined;
  let idColumn = -1;
  for await (const cells of readCsvRecords(store, features.scoringFeatures)) {
    if (columns === undefined) {
      columns = featureColumns(vector, cells);
      idColumn = cells.indexOf('customer_id');
      continue;
    }
    writeFeatureCells(vector, columns, cells, buffer, ids.length * width);
    ids.push(cells[idColumn] ?? '');
    if (ids.length === SCORING_CHUNK) yield* flush();
  }
  if (ids.length > 0) yield* flush();
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

/**
 * Trains this run's response model on the campaign history, stores it as a new version in the
 * registry, and scores every customer for every action.
 *
 * With a randomized control group the model is a challenger to the partner's champion (see
 * `selectScoringModel`). Without one it is a propensity model over the treated contacts, kept under
 * its own registry name and never promoted, and the uplift is its propensity × the campaign's prior
 * uplift share (see `prior-uplift.ts`); the output's `responseBasis` says which.
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
  const priorUpliftShare = state.campaign.priorUpliftShare ?? DEFAULT_PRIOR_UPLIFT_SHARE;
  const responseBasis: ResponseBasis =
    training.controls > 0
      ? { kind: 'randomized', controlContacts: training.controls }
      : {
          kind: 'propensity-prior',
          priorUpliftShare,
          reason: `${withoutControl(training)}, so nothing in it measures what a contact changes: uplift is the response propensity × an assumed ${priorUpliftShare} share of responses caused by the contact`,
        };
  const randomized = responseBasis.kind === 'randomized';

  // The stage holds the rows out itself rather than leaving it to the trainer, because only the stage
  // sees both models: the champion is measured on the very rows the challenger is, which neither saw.
  const split = stableHoldout(training.keys, training.arm, arms, DEFAULT_OPTIONS.holdoutFraction);
  const train = gatherRows(training, split.train);
  const holdout = gatherRows(training, split.holdout);
  const trainingOptions: ResponseModelOptions = {
    ...deps.training,
    seed: state.campaign.seed,
    arms,
    holdoutFraction: 0,
    withoutControl: !randomized,
    armFactors: armFactorsOf(training.arms),
  };
  const { model: trained, metrics: fit } = await trainResponseModel(
    { ...train, featureCount },
    trainingOptions,
  );
  const artifacts = await trained.toArtifacts();
  trained.dispose();
  // Measure and score the model as stored, so what runs is exactly what the registry holds.
  const challengerModel = await loadResponseModel(artifacts);
  const challengerEvaluation = evaluate(challengerModel, holdout, arms);

  const actions = scoredActions(training.arms, catalog.offers, training.observedLevels);
  const version = state.runId;
  const modelName = randomized ? RESPONSE_MODEL_NAME : PROPENSITY_MODEL_NAME;
  const prefix = modelVersionPrefix(modelName, version);
  const inputs = [...training.vector.specs, { name: 'discount_level', transform: 'percent_as_fraction' }];
  const dataWindow: DataWindow = {
    asOf: catalog.asOf,
    firstContact: training.firstContact,
    lastContact: training.lastContact,
    trainingContacts: training.rows,
    skippedContacts: training.skipped,
  };
  const card: ModelCard = {
    name: modelName,
    version,
    trainedAt: now().toISOString(),
    dataWindow,
    features: [...training.vector.names],
    categories: [...catalog.categories],
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
  const selected = randomized
    ? {
        ...(await selectScoringModel(deps, state.batch.partner, challenger, challengerModel, {
          training,
          actions,
          holdout,
        })),
        basis: responseBasis,
      }
    : await selectWithoutControl(deps, state.batch.partner, challenger, challengerModel, {
        training,
        actions,
        holdout,
        prior: responseBasis,
      });
  const { kept, pointer, basis } = selected;
  let { decision, scorer } = selected;
  // The uplift is measured when a model learned against a control group scores, this run's or the champion's.
  const measured = basis.kind !== 'propensity-prior';
  // Only a model learned against a control group has an uplift to check on the holdout, and only the
  // network that has not seen it: the one the holdout measured, not its final fit.
  const slope =
    measured && holdout.rows > 0
      ? upliftSlope(scorer.predict(holdout.features, holdout.rows), holdout.arm, holdout.label, arms)
      : undefined;
  // The network that scores: a kept champion's final fit, or this run's trained again on every row.
  if (kept?.card.finalFit) {
    const final = await loadFinalFit(deps.store, deps.lakeBucket, kept.prefix);
    scorer.dispose();
    scorer = final;
  } else if (kept === undefined && randomized && fitsOnAllRows(training.rows)) {
    const all = gatherRows(
      training,
      Int32Array.from({ length: training.rows }, (_, row) => row),
    );
    const final = await fitOnAllRows(
      deps.store,
      deps.lakeBucket,
      prefix,
      card,
      { ...all, featureCount },
      trainingOptions,
    );
    scorer.dispose();
    scorer = final;
  }
  const upliftModel = measured ? scorer : priorUpliftPredictor(scorer, priorUpliftShare);

  const scoresRef = { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).scores };
  const header = ['customer_id', 'p_control', ...actions.map((_, i) => `p_action_${i + 1}`)];
  let written: { rows: number };
  // What moves the scoring model's uplift most, for the reason codes of each recommendation. Derived
  // inputs count toward the column they are read from, which the reason codes can show a value of.
  const names = training.vector.sources;
  const importance = upliftImportance(
    upliftModel,
    holdout.features,
    holdout.rows,
    names.length + 1,
    names,
    state.campaign.seed,
  )
    .slice(0, TOP_FEATURES)
    .map((f) => ({ feature: f.feature, importance: Number(f.importance.toPrecision(4)) }));
  try {
    written = await writeCsvLines(
      deps.store,
      scoresRef,
      header,
      scoreRows(
        deps.store,
        state,
        scorer,
        training.vector,
        actions,
        measured ? null : priorUpliftShare,
        slope?.applied ?? 1,
      ),
    );
  } finally {
    scorer.dispose();
  }
  // Promoted only once the run has scored with it, so a failed run leaves the registry as it was.
  if (decision.promote) {
    const promoted = promotedPointer(RESPONSE_MODEL_NAME, pointer, challenger, {
      promotedAt: now().toISOString(),
      reason: decision.reason,
    });
    const written = await writeChampionPointer(
      deps.store,
      deps.lakeBucket,
      state.batch.partner,
      promoted,
      selected.pointerTag,
    );
    if (!written) decision = { promote: false, reason: lostPromotion(decision.reason) };
  }

  // After the response model is freed: the churn and value networks train in the memory it held.
  const customerValue = await scoreCustomerValue(
    deps.store,
    state,
    deps.lakeBucket,
    state.campaign.seed,
    now,
  );

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
      responseBasis: basis,
      metrics:
        kept === undefined
          ? outputMetrics(train.rows, holdout.rows, challengerEvaluation)
          : outputMetrics(kept.card.metrics.trainRows, holdout.rows, kept.evaluation),
      importance,
      ...(slope ? { upliftSlope: slope } : {}),
      customerValue,
      model: {
        version: kept?.version ?? version,
        champion: decision.promote,
        reason: decision.reason,
        metric: CHAMPION_METRIC,
        challengerMetric: challenger.metric.value,
        championMetric: selected.championMetric,
        previousChampion,
      },
    },
    counts: {
      trainingContacts: training.rows,
      controlContacts: training.controls,
      arms,
      actions: actions.length,
      customersScored: written.rows,
      customerValueModelsSkipped: customerValue.skipped.length,
    },
  };
}
