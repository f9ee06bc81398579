import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { z } from 'zod';
import { stratifiedKFold, takeRows } from '../model-eval/cross-validation';
import type { ModelArtifacts } from '../scoring/artifacts';
import { signedLog1p } from '../scoring/log-features';
import { rocAuc } from '../scoring/metrics';
import { NetworkBundleError, packNetworks, unpackNetworks } from '../scoring/network-bundle';
import { applyScaler, fitScaler, type Scaler } from '../scoring/scaler';
import { buildMlp, fitSeeded, predictMlp } from '../scoring/seeded-mlp';
import { seededRandom } from '../scoring/split';
import { initTensorflow } from '../scoring/tensorflow';
import { type CalibrationReport, calibrationReport } from './calibration-report';
import { ChurnModelError } from './errors';
import { applyPlatt, fitPlatt, type PlattScaling } from './platt';
import { pickThreshold, type ThresholdChoice } from './threshold';

export { ChurnModelError } from './errors';

/** Customers' features and whether each churned; any feature set (the UCI protocol's, the feature store's). */
export interface ChurnTrainingSet {
  rows: number;
  featureCount: number;
  /** rows × featureCount, row-major, raw values. */
  features: Float32Array;
  /** 1 = churned. */
  label: Uint8Array;
}

export interface ChurnModelOptions {
  seed: number;
  /** ReLU layer widths; default [32, 16]. */
  hiddenUnits?: number[];
  /** Default 40. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam learning rate; default 0.002. */
  learningRate?: number;
  /** L2 penalty on every kernel; default 0.001. */
  l2Regularization?: number;
  /**
   * Cross-fitted members (≥ 2), default 4: each is trained without one fold of the training rows and
   * predicts that fold, so calibration and the threshold are fitted on predictions for customers the
   * scoring network never saw, and the final score averages the members (a small ensemble).
   */
  members?: number;
  /** F-beta of the decision threshold; default 2 (a missed churner costs more than a false alarm). */
  beta?: number;
  /** Weigh the classes to equal total weight in the loss; default true. Platt undoes the shift. */
  balanceClasses?: boolean;
  /** Apply sign(x)·log1p(|x|) before standardising; default true (heavy-tailed counts and amounts). */
  logTransform?: boolean;
}

type Resolved = Required<ChurnModelOptions>;

export interface ChurnTrainingReport {
  rows: number;
  churnRate: number;
  /** ROC AUC of the out-of-fold scores on the training rows. */
  outOfFoldAuc: number;
  platt: PlattScaling;
  /** Chosen on the calibrated out-of-fold probabilities. */
  threshold: ThresholdChoice;
  /** Of the calibrated out-of-fold probabilities. */
  calibration: CalibrationReport;
}

export interface ChurnModel {
  readonly featureCount: number;
  /** Predict "churns" at or above this calibrated probability. */
  readonly threshold: number;
  /** Calibrated churn probabilities, one per row. */
  predict(features: Float32Array, rows: number): Float64Array;
  /** The networks, scaler, calibration and threshold, for the registry (see `loadChurnModel`). */
  toArtifacts(): Promise<ModelArtifacts>;
  /** Frees the networks' tensors; the model cannot predict afterwards. */
  dispose(): void;
}

const BUNDLE_FORMAT = 'campaign-optimizer/churn-model';

const churnSettings = z.object({
  scaler: z.object({ means: z.array(z.number()), stds: z.array(z.number().positive()) }),
  logTransform: z.boolean(),
  platt: z.object({ a: z.number(), b: z.number() }),
  threshold: z.number(),
});

/** Restores a model saved with `toArtifacts()`, for scoring. Throws `ChurnModelError` on bad artifacts. */
export async function loadChurnModel(artifacts: ModelArtifacts): Promise<ChurnModel> {
  let unpacked: Awaited<ReturnType<typeof unpackNetworks>>;
  try {
    unpacked = await unpackNetworks(BUNDLE_FORMAT, artifacts);
  } catch (error) {
    if (error instanceof NetworkBundleError) {
      throw new ChurnModelError(`churn model artifacts: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const settings = churnSettings.safeParse(unpacked.settings);
  const inputs = (n: tfl.LayersModel) => n.inputs[0]?.shape[1];
  if (
    !settings.success ||
    settings.data.scaler.means.length !== settings.data.scaler.stds.length ||
    unpacked.networks.some((n) => inputs(n) !== settings.data.scaler.means.length)
  ) {
    for (const network of unpacked.networks) network.dispose();
    throw new ChurnModelError('churn model artifacts: the settings do not fit the networks', {
      cause: settings.error,
    });
  }
  const { scaler, logTransform, platt, threshold } = settings.data;
  return new TfChurnModel(unpacked.networks, scaler, logTransform, platt, threshold);
}

const MAX_SEED = 0x7fffffff;

function resolve(options: ChurnModelOptions): Resolved {
  const resolved: Resolved = {
    seed: options.seed,
    hiddenUnits: options.hiddenUnits ?? [32, 16],
    epochs: options.epochs ?? 40,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 0.002,
    l2Regularization: options.l2Regularization ?? 0.001,
    members: options.members ?? 4,
    beta: options.beta ?? 2,
    balanceClasses: options.balanceClasses ?? true,
    logTransform: options.logTransform ?? true,
  };
  if (!Number.isInteger(resolved.members) || resolved.members < 2) {
    throw new ChurnModelError(`members must be an integer ≥ 2, got ${resolved.members}`);
  }
  if (!Number.isInteger(resolved.epochs) || resolved.epochs < 1) {
    throw new ChurnModelError(`epochs must be a positive integer, got ${resolved.epochs}`);
  }
  if (!(resolved.learningRate > 0) || !(resolved.l2Regularization >= 0) || !(resolved.beta > 0)) {
    throw new ChurnModelError('learningRate and beta must be positive and l2Regularization non-negative');
  }
  return resolved;
}

function validate(data: ChurnTrainingSet, members: number): number {
  const { rows, featureCount, features, label } = data;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(featureCount) || featureCount < 1) {
    throw new ChurnModelError(
      `rows and featureCount must be positive integers (got ${rows}, ${featureCount})`,
    );
  }
  if (features.length !== rows * featureCount || label.length !== rows) {
    throw new ChurnModelError(
      `features has ${features.length} values and label ${label.length}; ${rows} rows × ${featureCount} features expected`,
    );
  }
  const bad = features.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new ChurnModelError(
      `feature ${bad % featureCount} of row ${Math.floor(bad / featureCount)} is ${features[bad]}`,
    );
  }
  let positives = 0;
  for (let i = 0; i < rows; i++) {
    if (label[i] !== 0 && label[i] !== 1)
      throw new ChurnModelError(`label of row ${i} is ${label[i]}; expected 0 or 1`);
    positives += label[i] as number;
  }
  if (Math.min(positives, rows - positives) < members) {
    throw new ChurnModelError(
      `each class needs at least ${members} rows to cross-fit ${members} members (got ${positives} churners of ${rows})`,
    );
  }
  return positives;
}

/**
 * Trains a churn classifier: an MLP on standardised (log-scaled) features with class-balanced
 * cross-entropy, cross-fitted as `members` networks whose out-of-fold logits fit Platt scaling and the
 * F-beta threshold. Deterministic for a given seed on a given backend. Throws `ChurnModelError`.
 */
export async function trainChurnModel(
  data: ChurnTrainingSet,
  options: ChurnModelOptions,
): Promise<{ model: ChurnModel; report: ChurnTrainingReport }> {
  const resolved = resolve(options);
  const positives = validate(data, resolved.members);
  await initTensorflow();

  // Independent seeds per purpose, drawn once, so that e.g. adding a layer does not change the folds.
  const rng = seededRandom(resolved.seed);
  const foldSeed = uniformInt(rng, 0, MAX_SEED);
  const memberSeeds = Array.from({ length: resolved.members }, () => ({
    init: uniformInt(rng, 0, MAX_SEED),
    shuffle: uniformInt(rng, 0, MAX_SEED),
  }));

  const { rows, featureCount } = data;
  const transformed = resolved.logTransform ? signedLog1p(data.features) : data.features;
  // The scaler is unsupervised, so fitting it on all training rows leaks no label into the folds.
  const scaler = fitScaler(transformed, featureCount);
  const x = applyScaler(scaler, transformed, rows);
  const weights = resolved.balanceClasses
    ? { negative: rows / (2 * (rows - positives)), positive: rows / (2 * positives) }
    : { negative: 1, positive: 1 };
  const loss = weightedLogitCrossEntropy(weights.negative, weights.positive);

  const networks: tfl.Sequential[] = [];
  const outOfFold = new Float64Array(rows);
  try {
    const folds = stratifiedKFold(data.label, resolved.members, foldSeed);
    for (const [m, fold] of folds.entries()) {
      const seeds = memberSeeds[m] as { init: number; shuffle: number };
      const trainLabels = Uint8Array.from(fold.train, (r) => data.label[r] as number);
      const rate = weightedRate(trainLabels, weights);
      const network = buildMlp({
        inputs: featureCount,
        hiddenUnits: resolved.hiddenUnits,
        outputs: 1,
        outputActivation: 'linear',
        l2: resolved.l2Regularization,
        seed: seeds.init,
        // Start at the (weighted) base rate rather than spending epochs learning it.
        outputBias: [Math.log(rate / (1 - rate))],
      });
      networks.push(network);
      await fitSeeded(
        network,
        takeRows(x, featureCount, fold.train),
        Float32Array.from(trainLabels),
        fold.train.length,
        {
          epochs: resolved.epochs,
          batchSize: resolved.batchSize,
          seed: seeds.shuffle,
          learningRate: resolved.learningRate,
          loss,
        },
      );
      const logits = predictMlp(network, takeRows(x, featureCount, fold.test), fold.test.length);
      fold.test.forEach((r, i) => {
        outOfFold[r] = logits[i] as number;
      });
    }
  } catch (error) {
    for (const network of networks) network.dispose();
    if (error instanceof ChurnModelError) throw error;
    throw new ChurnModelError('training the churn model failed', { cause: error });
  }

  const platt = fitPlatt(outOfFold, data.label);
  const calibrated = applyPlatt(platt, outOfFold);
  const model = new TfChurnModel(networks, scaler, resolved.logTransform, platt, 0);
  const threshold = pickThreshold(calibrated, data.label, resolved.beta);
  model.threshold = threshold.threshold;
  return {
    model,
    report: {
      rows,
      churnRate: positives / rows,
      outOfFoldAuc: rocAuc(outOfFold, data.label),
      platt,
      threshold,
      calibration: calibrationReport(calibrated, data.label),
    },
  };
}

class TfChurnModel implements ChurnModel {
  readonly featureCount: number;
  private disposed = false;

  constructor(
    private readonly networks: tfl.LayersModel[],
    private readonly scaler: Scaler,
    private readonly logTransform: boolean,
    private readonly platt: PlattScaling,
    public threshold: number,
  ) {
    this.featureCount = scaler.means.length;
  }

  toArtifacts(): Promise<ModelArtifacts> {
    if (this.disposed) throw new ChurnModelError('the churn model was disposed');
    const { scaler, logTransform, platt, threshold } = this;
    return packNetworks(BUNDLE_FORMAT, { scaler, logTransform, platt, threshold }, this.networks);
  }

  predict(features: Float32Array, rows: number): Float64Array {
    if (this.disposed) throw new ChurnModelError('the churn model was disposed');
    if (!Number.isInteger(rows) || rows < 0 || features.length !== rows * this.featureCount) {
      throw new ChurnModelError(
        `features has ${features.length} values; ${rows} rows × ${this.featureCount} features expected`,
      );
    }
    const x = applyScaler(this.scaler, this.logTransform ? signedLog1p(features) : features, rows);
    // Average the members' logits, the scale Platt scaling was fitted on.
    const mean = new Float64Array(rows);
    for (const network of this.networks) {
      const logits = predictMlp(network, x, rows);
      for (let i = 0; i < rows; i++)
        mean[i] = (mean[i] as number) + (logits[i] as number) / this.networks.length;
    }
    return applyPlatt(this.platt, mean);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const network of this.networks) network.dispose();
  }
}

function weightedRate(labels: Uint8Array, weights: { negative: number; positive: number }): number {
  let positive = 0;
  for (const y of labels) positive += y;
  const p = (positive + 1) * weights.positive;
  const q = (labels.length - positive + 1) * weights.negative;
  return p / (p + q);
}

/**
 * Class-weighted binary cross-entropy on logits, max(z, 0) − z·y + log(1 + e^−|z|): stable for any z,
 * unlike a sigmoid output clipped before the log. tfjs-layers' custom loss contract, shape [batch].
 */
function weightedLogitCrossEntropy(negative: number, positive: number) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const ce = tf.add(
        tf.sub(tf.relu(yPred), tf.mul(yPred, yTrue)),
        tf.log1p(tf.exp(tf.neg(tf.abs(yPred)))),
      );
      const weight = tf.add(negative, tf.mul(yTrue, positive - negative));
      return tf.mean(tf.mul(ce, weight), -1);
    });
}
