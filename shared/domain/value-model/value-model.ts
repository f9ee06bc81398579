import type * as tfl from '@tensorflow/tfjs-layers';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { z } from 'zod';
import { stratifiedKFold, takeRows } from '../model-eval/cross-validation';
import { quantileCoverage, rSquared, spearman, topFractionCapture } from '../model-eval/regression-metrics';
import type { ModelArtifacts } from '../scoring/artifacts';
import { signedLog1p } from '../scoring/log-features';
import { NetworkBundleError, packNetworks, unpackNetworks } from '../scoring/network-bundle';
import { applyScaler, fitScaler, type Scaler } from '../scoring/scaler';
import { buildMlp, fitSeeded, predictMlp } from '../scoring/seeded-mlp';
import { seededRandom } from '../scoring/split';
import { initTensorflow } from '../scoring/tensorflow';
import { ValueModelError } from './errors';
import { encodeValueTargets, type PointLoss, valueLoss } from './value-loss';

export { ValueModelError } from './errors';
export type { PointLoss } from './value-loss';

/** Customers' features and what each spent afterwards (≥ 0, zero for no purchase). */
export interface ValueTrainingSet {
  rows: number;
  featureCount: number;
  /** rows × featureCount, row-major, raw values. */
  features: Float32Array;
  target: ArrayLike<number>;
}

export interface ValueModelOptions {
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
   * Cross-fitted members (≥ 2), default 4: each is trained without one fold and predicts it; the
   * out-of-fold predictions fit the smearing factor and the report, and the members' average scores.
   */
  members?: number;
  /** Default `poisson`; see `PointLoss`. */
  pointLoss?: PointLoss;
  /** Quantile levels in (0, 1), ascending; default [0.1, 0.5, 0.9]. */
  quantiles?: number[];
  /** Apply sign(x)·log1p(|x|) before standardising; default true. */
  logTransform?: boolean;
}

type Resolved = Required<ValueModelOptions>;

export interface ValuePrediction {
  /** Point estimate of the value (the mean for `poisson`). */
  estimate: Float64Array;
  /** One array per quantile level, in the options' order; non-crossing per row. */
  quantiles: Float64Array[];
}

export interface ValueTrainingReport {
  rows: number;
  pointLoss: PointLoss;
  /** Out-of-fold figures on the training rows. */
  outOfFold: { r2: number; spearman: number; topDecileCapture: number; coverage: number[] };
  /** Duan's smearing factor (log-mse only; 1 otherwise). */
  smearing: number;
}

export interface ValueModel {
  readonly featureCount: number;
  readonly quantileLevels: readonly number[];
  predict(features: Float32Array, rows: number): ValuePrediction;
  /** The networks, scaler and head settings, for the registry (see `loadValueModel`). */
  toArtifacts(): Promise<ModelArtifacts>;
  dispose(): void;
}

const BUNDLE_FORMAT = 'campaign-optimizer/value-model';

const valueSettings = z.object({
  scaler: z.object({ means: z.array(z.number()), stds: z.array(z.number().positive()) }),
  logTransform: z.boolean(),
  head: z.object({
    pointLoss: z.enum(['poisson', 'log-mse', 'huber']),
    scale: z.number().positive(),
    smearing: z.number().positive(),
    quantiles: z.array(z.number().gt(0).lt(1)),
  }),
});

/** Restores a model saved with `toArtifacts()`, for scoring. Throws `ValueModelError` on bad artifacts. */
export async function loadValueModel(artifacts: ModelArtifacts): Promise<ValueModel> {
  let unpacked: Awaited<ReturnType<typeof unpackNetworks>>;
  try {
    unpacked = await unpackNetworks(BUNDLE_FORMAT, artifacts);
  } catch (error) {
    if (error instanceof NetworkBundleError) {
      throw new ValueModelError(`value model artifacts: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const settings = valueSettings.safeParse(unpacked.settings);
  const fits = (n: tfl.LayersModel) =>
    settings.success &&
    n.inputs[0]?.shape[1] === settings.data.scaler.means.length &&
    n.outputs[0]?.shape[1] === 1 + settings.data.head.quantiles.length;
  if (!settings.success || !unpacked.networks.every(fits)) {
    for (const network of unpacked.networks) network.dispose();
    throw new ValueModelError('value model artifacts: the settings do not fit the networks', {
      cause: settings.error,
    });
  }
  const { scaler, logTransform, head } = settings.data;
  return new TfValueModel(unpacked.networks, scaler, logTransform, head);
}

const MAX_SEED = 0x7fffffff;

function resolve(options: ValueModelOptions): Resolved {
  const resolved: Resolved = {
    seed: options.seed,
    hiddenUnits: options.hiddenUnits ?? [32, 16],
    epochs: options.epochs ?? 40,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 0.002,
    l2Regularization: options.l2Regularization ?? 0.001,
    members: options.members ?? 4,
    pointLoss: options.pointLoss ?? 'poisson',
    quantiles: options.quantiles ?? [0.1, 0.5, 0.9],
    logTransform: options.logTransform ?? true,
  };
  if (!Number.isInteger(resolved.members) || resolved.members < 2) {
    throw new ValueModelError(`members must be an integer ≥ 2, got ${resolved.members}`);
  }
  if (!Number.isInteger(resolved.epochs) || resolved.epochs < 1) {
    throw new ValueModelError(`epochs must be a positive integer, got ${resolved.epochs}`);
  }
  if (!(resolved.learningRate > 0) || !(resolved.l2Regularization >= 0)) {
    throw new ValueModelError('learningRate must be positive and l2Regularization non-negative');
  }
  if (
    resolved.quantiles.some(
      (q, i) => !(q > 0 && q < 1) || (i > 0 && q <= (resolved.quantiles[i - 1] as number)),
    )
  ) {
    throw new ValueModelError(`quantiles must ascend within (0, 1), got ${resolved.quantiles.join(', ')}`);
  }
  return resolved;
}

function validate(data: ValueTrainingSet, members: number): void {
  const { rows, featureCount, features, target } = data;
  if (!Number.isInteger(rows) || rows < members || !Number.isInteger(featureCount) || featureCount < 1) {
    throw new ValueModelError(
      `need at least ${members} rows and one feature (got ${rows} rows, ${featureCount} features)`,
    );
  }
  if (features.length !== rows * featureCount || target.length !== rows) {
    throw new ValueModelError(
      `features has ${features.length} values and target ${target.length}; ${rows} rows × ${featureCount} features expected`,
    );
  }
  const bad = features.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new ValueModelError(
      `feature ${bad % featureCount} of row ${Math.floor(bad / featureCount)} is ${features[bad]}`,
    );
  }
  for (let i = 0; i < rows; i++) {
    const y = target[i] as number;
    if (!(Number.isFinite(y) && y >= 0))
      throw new ValueModelError(`target of row ${i} is ${y}; expected ≥ 0`);
  }
}

/**
 * Trains a customer-value regressor: an MLP on standardised (log-scaled) features with a point head
 * (see `PointLoss`) and pinball-loss quantile heads, cross-fitted as `members` networks. Folds are
 * stratified on spent / did not spend so each member sees its share of zeros. Deterministic for a
 * given seed on a given backend. Throws `ValueModelError`.
 */
export async function trainValueModel(
  data: ValueTrainingSet,
  options: ValueModelOptions,
): Promise<{ model: ValueModel; report: ValueTrainingReport }> {
  const resolved = resolve(options);
  validate(data, resolved.members);
  await initTensorflow();

  const rng = seededRandom(resolved.seed);
  const foldSeed = uniformInt(rng, 0, MAX_SEED);
  const memberSeeds = Array.from({ length: resolved.members }, () => ({
    init: uniformInt(rng, 0, MAX_SEED),
    shuffle: uniformInt(rng, 0, MAX_SEED),
  }));

  const { rows, featureCount } = data;
  const transformed = resolved.logTransform ? signedLog1p(data.features) : data.features;
  const scaler = fitScaler(transformed, featureCount);
  const x = applyScaler(scaler, transformed, rows);
  let total = 0;
  for (let i = 0; i < rows; i++) total += data.target[i] as number;
  // Revenue / mean revenue is ~1 for a typical spender: a scale Adam's default steps suit.
  const scale = total > 0 ? total / rows : 1;
  const width = 1 + resolved.quantiles.length;
  const y = encodeValueTargets(data.target, resolved.pointLoss, scale, resolved.quantiles.length);
  const loss = valueLoss(resolved.pointLoss, resolved.quantiles);

  const networks: tfl.Sequential[] = [];
  const outOfFold = new Float32Array(rows * width);
  try {
    const spent = Uint8Array.from({ length: rows }, (_, i) => ((data.target[i] as number) > 0 ? 1 : 0));
    const folds = stratifiedKFold(spent, resolved.members, foldSeed);
    for (const [m, fold] of folds.entries()) {
      const seeds = memberSeeds[m] as { init: number; shuffle: number };
      const yTrain = takeRows(y, width, fold.train);
      const network = buildMlp({
        inputs: featureCount,
        hiddenUnits: resolved.hiddenUnits,
        outputs: width,
        outputActivation: 'linear',
        l2: resolved.l2Regularization,
        seed: seeds.init,
        // Start every head at its unconditional answer rather than spending epochs learning it.
        outputBias: startingBias(yTrain, width, resolved),
      });
      networks.push(network);
      await fitSeeded(network, takeRows(x, featureCount, fold.train), yTrain, fold.train.length, {
        epochs: resolved.epochs,
        batchSize: resolved.batchSize,
        seed: seeds.shuffle,
        learningRate: resolved.learningRate,
        loss,
      });
      const predicted = predictMlp(network, takeRows(x, featureCount, fold.test), fold.test.length);
      fold.test.forEach((r, i) => {
        outOfFold.set(predicted.subarray(i * width, (i + 1) * width), r * width);
      });
    }
  } catch (error) {
    for (const network of networks) network.dispose();
    if (error instanceof ValueModelError) throw error;
    throw new ValueModelError('training the value model failed', { cause: error });
  }

  const smearing = resolved.pointLoss === 'log-mse' ? smearingFactor(outOfFold, width, data.target) : 1;
  const head: Head = { pointLoss: resolved.pointLoss, scale, smearing, quantiles: resolved.quantiles };
  const oof = decode(head, [outOfFold], rows);
  const model = new TfValueModel(networks, scaler, resolved.logTransform, head);
  return {
    model,
    report: {
      rows,
      pointLoss: resolved.pointLoss,
      outOfFold: {
        r2: rSquared(oof.estimate, data.target),
        spearman: spearman(oof.estimate, data.target),
        topDecileCapture: topFractionCapture(oof.estimate, data.target, 0.1),
        coverage: oof.quantiles.map((q) => quantileCoverage(q, data.target)),
      },
      smearing,
    },
  };
}

interface Head {
  pointLoss: PointLoss;
  scale: number;
  smearing: number;
  quantiles: readonly number[];
}

function startingBias(yTrain: Float32Array, width: number, options: Resolved): number[] {
  const rows = yTrain.length / width;
  const column = (c: number) =>
    Float64Array.from({ length: rows }, (_, i) => yTrain[i * width + c] as number);
  const point = column(0);
  const mean = point.reduce((s, v) => s + v, 0) / rows;
  // Poisson's output is a log rate; the others are on their target's own scale.
  const pointBias = options.pointLoss === 'poisson' ? Math.log(Math.max(mean, 1e-6)) : mean;
  const logs = column(1).sort();
  return [
    pointBias,
    ...options.quantiles.map((q) => logs[Math.min(rows - 1, Math.floor(q * rows))] as number),
  ];
}

/**
 * Duan's smearing estimate for a log1p model: E[y] ≈ s·e^f − 1 with s the mean of e^(residual) over
 * out-of-fold rows, instead of the median-like e^f − 1 that undershoots a right-skewed target.
 */
function smearingFactor(outOfFold: Float32Array, width: number, target: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < target.length; i++) {
    sum += Math.exp(Math.log1p(target[i] as number) - (outOfFold[i * width] as number));
  }
  return sum / target.length;
}

/** Averages the members' raw outputs into value estimates and non-crossing quantiles. */
function decode(head: Head, outputs: Float32Array[], rows: number): ValuePrediction {
  const width = 1 + head.quantiles.length;
  const members = outputs.length;
  const estimate = new Float64Array(rows);
  const quantiles = head.quantiles.map(() => new Float64Array(rows));
  const levels = new Float64Array(head.quantiles.length);
  for (let i = 0; i < rows; i++) {
    let point = 0;
    levels.fill(0);
    for (const out of outputs) {
      const f = out[i * width] as number;
      // Poisson members are averaged on the revenue scale (a mean of means); the others on their own.
      point += head.pointLoss === 'poisson' ? Math.exp(Math.min(f, 20)) : f;
      for (let q = 0; q < levels.length; q++)
        levels[q] = (levels[q] as number) + (out[i * width + 1 + q] as number);
    }
    point /= members;
    estimate[i] =
      head.pointLoss === 'poisson'
        ? point * head.scale
        : head.pointLoss === 'log-mse'
          ? Math.max(0, head.smearing * Math.exp(point) - 1)
          : Math.max(0, point * head.scale);
    // Sorting the levels (rearrangement) removes crossings without moving a non-crossed quantile.
    const sorted = Array.from(levels, (v) => Math.max(0, Math.expm1(v / members))).sort((a, b) => a - b);
    sorted.forEach((v, q) => {
      (quantiles[q] as Float64Array)[i] = v;
    });
  }
  return { estimate, quantiles };
}

class TfValueModel implements ValueModel {
  readonly featureCount: number;
  readonly quantileLevels: readonly number[];
  private disposed = false;

  constructor(
    private readonly networks: tfl.LayersModel[],
    private readonly scaler: Scaler,
    private readonly logTransform: boolean,
    private readonly head: Head,
  ) {
    this.featureCount = scaler.means.length;
    this.quantileLevels = head.quantiles;
  }

  toArtifacts(): Promise<ModelArtifacts> {
    if (this.disposed) throw new ValueModelError('the value model was disposed');
    const { scaler, logTransform, head } = this;
    return packNetworks(BUNDLE_FORMAT, { scaler, logTransform, head }, this.networks);
  }

  predict(features: Float32Array, rows: number): ValuePrediction {
    if (this.disposed) throw new ValueModelError('the value model was disposed');
    if (!Number.isInteger(rows) || rows < 0 || features.length !== rows * this.featureCount) {
      throw new ValueModelError(
        `features has ${features.length} values; ${rows} rows × ${this.featureCount} features expected`,
      );
    }
    const x = applyScaler(this.scaler, this.logTransform ? signedLog1p(features) : features, rows);
    return decode(
      this.head,
      this.networks.map((network) => predictMlp(network, x, rows)),
      rows,
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const network of this.networks) network.dispose();
  }
}
