import type { ScoredAction } from '../../domain/planning/scored-actions';
import {
  CHAMPION_METRIC,
  type Challenger,
  type ChampionDecision,
  type ChampionPointer,
  decideChampion,
} from '../../domain/registry/champion';
import { RESPONSE_MODEL_NAME } from '../../domain/registry/model-card';
import { finiteOrNull } from '../../domain/rounding';
import type { ResponseBasis } from '../../domain/runs/run-state';
import { evaluateHoldout, type HoldoutEvaluation } from '../../domain/scoring/evaluation';
import type { ResponseModel } from '../../domain/scoring/response-model';
import type { ObjectStore } from '../../ports/object-store';
import { type Champion, loadChampion, readChampionPointer } from './model-registry';
import type { TrainingRows } from './training-rows';

/**
 * Which response model scores a run: this run's (the challenger) or the partner's champion. With a
 * randomized control group the two are measured on the same held-out rows; without one the
 * champion, when it can read the batch, scores unchallenged.
 */

/** Where the registry lives. */
export interface RegistryStore {
  readonly store: ObjectStore;
  readonly lakeBucket: string;
}

export interface LabelledRows {
  rows: number;
  features: Float32Array;
  arm: Int32Array;
  label: Uint8Array;
}

export function gatherRows(training: TrainingRows, indices: Int32Array): LabelledRows {
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

export function evaluate(model: ResponseModel, holdout: LabelledRows, arms: number): HoldoutEvaluation {
  const predictions =
    holdout.rows === 0 ? new Float32Array(0) : model.predict(holdout.features, holdout.rows);
  return evaluateHoldout(predictions, holdout.arm, holdout.label, arms);
}

export interface ScoringModel {
  /** The model that scores the customers; the caller disposes it. */
  scorer: ResponseModel;
  /** The champion kept over this run's model, when it was. */
  kept: (Champion & { evaluation: HoldoutEvaluation }) | undefined;
  /** The champion's metric on this run's holdout, when it was measured. */
  championMetric: number | null;
  decision: ChampionDecision;
  pointer: ChampionPointer | undefined;
  /** The pointer object's entity tag as read (null: none), which a promotion must still find. */
  pointerTag: string | null;
}

/**
 * The champion decision: this run's model (the challenger) scores when it is no worse on the held-out
 * metric than the current champion measured on the same held-out rows, or when the champion cannot
 * score this batch; the current champion scores otherwise. Disposes whichever model does not score.
 */
export async function selectScoringModel(
  deps: RegistryStore,
  partner: string,
  challenger: Challenger,
  challengerModel: ResponseModel,
  context: { training: TrainingRows; actions: ScoredAction[]; holdout: LabelledRows },
): Promise<ScoringModel> {
  const { training, actions, holdout } = context;
  const arms = training.arms.length;
  const {
    pointer,
    problem,
    etag: pointerTag,
  } = await readChampionPointer(RESPONSE_MODEL_NAME, deps.store, deps.lakeBucket, partner);
  let champion: (Champion & { evaluation: HoldoutEvaluation }) | undefined;
  let decision: ChampionDecision;
  // A champion over other features is not even loaded: decideChampion hands the title over unmeasured.
  if (
    pointer !== undefined &&
    pointer.version !== challenger.version &&
    pointer.featureHash === challenger.featureHash
  ) {
    const loaded = await loadChampion(RESPONSE_MODEL_NAME, deps.store, deps.lakeBucket, pointer, {
      arms: training.arms,
      actions,
      featureCount: training.vector.names.length + 1,
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
  return {
    scorer: kept?.model ?? challengerModel,
    kept,
    championMetric: champion === undefined ? null : finiteOrNull(champion.evaluation.qini),
    decision,
    pointer,
    pointerTag,
  };
}

export const withoutControl = (training: TrainingRows): string =>
  `the campaign history has no randomized control group (${training.rows} treated contacts, no control)`;

/**
 * Without a control group this batch cannot measure uplift, so it cannot challenge the champion
 * either, and the champion's title stands. The partner's response champion, learned from an
 * earlier randomized history, scores when it reads this batch (the same features and arms); else
 * this run's propensity model does, × the prior uplift share, and the basis says why. Disposes
 * whichever model does not score.
 */
export async function selectWithoutControl(
  deps: RegistryStore,
  partner: string,
  challenger: Challenger,
  propensityModel: ResponseModel,
  context: {
    training: TrainingRows;
    actions: ScoredAction[];
    holdout: LabelledRows;
    prior: Extract<ResponseBasis, { kind: 'propensity-prior' }>;
  },
): Promise<ScoringModel & { basis: ResponseBasis }> {
  const { training, actions, holdout, prior } = context;
  const {
    pointer,
    problem,
    etag: pointerTag,
  } = await readChampionPointer(RESPONSE_MODEL_NAME, deps.store, deps.lakeBucket, partner);
  const unmeasured = (why: string | undefined) => {
    const basis = why === undefined ? prior : { ...prior, reason: `${prior.reason}; ${why}` };
    const decision = { promote: false, reason: basis.reason };
    return {
      scorer: propensityModel,
      kept: undefined,
      championMetric: null,
      decision,
      pointer,
      pointerTag,
      basis,
    };
  };
  if (pointer === undefined) {
    return unmeasured(
      problem === undefined ? undefined : `the response champion pointer could not be read (${problem})`,
    );
  }
  if (pointer.featureHash !== challenger.featureHash) {
    return unmeasured(`the response champion ${pointer.version} reads other features than this batch has`);
  }
  const loaded = await loadChampion(RESPONSE_MODEL_NAME, deps.store, deps.lakeBucket, pointer, {
    arms: training.arms,
    actions,
    featureCount: training.vector.names.length + 1,
  });
  if ('unusable' in loaded) {
    return unmeasured(`the response champion ${pointer.version} cannot score this batch: ${loaded.unusable}`);
  }
  propensityModel.dispose();
  const { firstContact, lastContact } = loaded.card.dataWindow;
  const history = firstContact === null ? '' : ` (contacts ${firstContact} to ${lastContact})`;
  const basis: ResponseBasis = {
    kind: 'randomized-champion',
    champion: pointer.version,
    reason: `${withoutControl(training)}, so this batch cannot measure uplift: the response champion ${pointer.version}, learned from a randomized history${history}, scores it`,
  };
  const kept = { ...loaded, evaluation: evaluate(loaded.model, holdout, training.arms.length) };
  return {
    scorer: loaded.model,
    kept,
    championMetric: finiteOrNull(kept.evaluation.qini),
    decision: { promote: false, reason: basis.reason },
    pointer,
    pointerTag,
    basis,
  };
}
