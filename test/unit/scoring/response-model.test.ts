import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logLoss } from '../../../shared/domain/scoring/metrics';
import {
  loadResponseModel,
  type ModelArtifacts,
  type ResponseModel,
  ResponseModelError,
  type ResponseModelMetrics,
  type TrainingSet,
  trainResponseModel,
} from '../../../shared/domain/scoring/response-model';
import { initTensorflow } from '../../../shared/domain/scoring/tensorflow';
import { defaultReplicas } from '../../../shared/domain/scoring/validation';
import {
  baseProbability,
  SYNTHETIC_ARMS,
  SYNTHETIC_FEATURES,
  syntheticTrainingSet,
  trueEffect,
} from './synthetic';

const HEADS = SYNTHETIC_ARMS + 1;
// Training takes 5–8 s of CPU on wasm here; leave room for a busy machine.
const TRAINING_TIMEOUT = 60_000;

let data: TrainingSet;
let model: ResponseModel;
let metrics: ResponseModelMetrics;
let artifacts: ModelArtifacts;

beforeAll(async () => {
  // wasm is the production backend here; pin it even where tfjs-node happens to be installed.
  vi.stubEnv('TFJS_BACKEND', 'wasm');
  expect(await initTensorflow()).toEqual({ backend: 'wasm' });
  data = syntheticTrainingSet(20_000, 7);
  // One replica of one network: the tests below read the one-network artifacts of format version 1.
  ({ model, metrics } = await trainResponseModel(data, { seed: 11, arms: SYNTHETIC_ARMS, replicas: 1 }));
  artifacts = await model.toArtifacts();
}, TRAINING_TIMEOUT);

afterAll(() => {
  model.dispose();
  vi.unstubAllEnvs();
});

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

describe('trainResponseModel on a campaign with a planted effect', () => {
  // Fresh customers the model never saw.
  const fresh = () => syntheticTrainingSet(5_000, 99);

  it('predicts one probability per arm, control first', () => {
    const p = model.predict(fresh().features, 5_000);
    expect(p).toHaveLength(5_000 * HEADS);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('finds that arm 1 helps customers with x0 > 0 more than the others', () => {
    const sample = fresh();
    const p = model.predict(sample.features, sample.rows);
    const positive: number[] = [];
    const negative: number[] = [];
    for (let row = 0; row < sample.rows; row++) {
      const uplift = (p[row * HEADS + 1] as number) - (p[row * HEADS] as number);
      ((sample.features[row * SYNTHETIC_FEATURES] as number) > 0 ? positive : negative).push(uplift);
    }
    // Planted: +10 points for x0 > 0, −4 points (less where the base rate is below 4%) otherwise.
    // Regularisation shrinks the contrast, so only its direction and a clear gap are asserted.
    expect(mean(positive)).toBeGreaterThan(0.05);
    expect(mean(positive) - mean(negative)).toBeGreaterThan(0.05);
  });

  it('estimates the uplift of every arm within a few points of the planted effect', () => {
    const sample = fresh();
    const p = model.predict(sample.features, sample.rows);
    const squaredErrors: number[] = [];
    for (let row = 0; row < sample.rows; row++) {
      const x = sample.features.subarray(row * SYNTHETIC_FEATURES, (row + 1) * SYNTHETIC_FEATURES);
      const base = baseProbability(x);
      for (let a = 1; a <= SYNTHETIC_ARMS; a++) {
        const truth = Math.min(1, Math.max(0, base + trueEffect(a, x[0] as number))) - base;
        const predicted = (p[row * HEADS + a] as number) - (p[row * HEADS] as number);
        squaredErrors.push((predicted - truth) ** 2);
      }
    }
    // For scale: zero uplift everywhere scores 0.052 here, and each arm's true average uplift 0.039,
    // so passing needs the customer-level variation too.
    expect(Math.sqrt(mean(squaredErrors))).toBeLessThan(0.035);
  });

  it('predicts responses better than the overall response rate does', () => {
    const sample = fresh();
    const p = model.predict(sample.features, sample.rows);
    const observed = Array.from(sample.arm, (a, row) => p[row * HEADS + a] as number);
    const rate = mean(Array.from(sample.label));
    expect(logLoss(observed, sample.label)).toBeLessThan(
      logLoss(
        observed.map(() => rate),
        sample.label,
      ) - 0.005,
    );
  });

  it('ranks arm 2 (+5 points for everyone) above arm 3 (no effect)', () => {
    const sample = fresh();
    const p = model.predict(sample.features, sample.rows);
    const uplift = (a: number) =>
      mean(
        Array.from(
          { length: sample.rows },
          (_, r) => (p[r * HEADS + a] as number) - (p[r * HEADS] as number),
        ),
      );
    expect(uplift(2) - uplift(3)).toBeGreaterThan(0.02);
    expect(Math.abs(uplift(3))).toBeLessThan(0.03);
  });

  it('reports holdout metrics of a useful, calibrated model', () => {
    expect(metrics.trainRows).toBe(16_000);
    expect(metrics.holdoutRows).toBe(4_000);
    expect(metrics.holdoutAuc).toBeGreaterThan(0.6);
    expect(metrics.holdoutQini).toBeGreaterThan(0);
    // Arm 1 carries the only heterogeneous effect, so its ranking must beat random.
    expect(metrics.holdoutQiniByArm.find((q) => q.arm === 1)?.qini).toBeGreaterThan(0);
    expect(metrics.holdoutLogLoss).toBeGreaterThan(0);
    expect(metrics.holdoutLogLoss).toBeLessThan(Math.log(2));
    expect(metrics.calibration.map((c) => c.arm)).toEqual([0, 1, 2, 3]);
    expect(metrics.calibration.reduce((s, c) => s + c.rows, 0)).toBe(4_000);
    for (const c of metrics.calibration) {
      expect(Math.abs(c.meanPredicted - c.observedRate), `arm ${c.arm}`).toBeLessThan(0.03);
    }
    expect(metrics.trainingMs).toBeGreaterThan(0);
  });
});

describe('artifacts', () => {
  it('round-trip to a model with identical predictions', async () => {
    const loaded = await loadResponseModel(artifacts);
    expect(loaded.arms).toBe(SYNTHETIC_ARMS);
    expect(loaded.featureCount).toBe(SYNTHETIC_FEATURES);
    expect(loaded.predict(data.features, data.rows)).toEqual(model.predict(data.features, data.rows));
    loaded.dispose();
  });

  it('load from a view into a larger buffer, as an S3 read returns', async () => {
    const padded = Buffer.alloc(artifacts.weights.byteLength + 16);
    padded.set(artifacts.weights, 5);
    const view = padded.subarray(5, 5 + artifacts.weights.byteLength);
    const loaded = await loadResponseModel({ modelJson: artifacts.modelJson, weights: view });
    const first100 = data.features.subarray(0, 100 * SYNTHETIC_FEATURES);
    expect(loaded.predict(first100, 100)).toEqual(model.predict(first100, 100));
    loaded.dispose();
  });

  it('carry the scaler, arms and format version in the JSON', () => {
    const json = JSON.parse(artifacts.modelJson);
    expect(json).toMatchObject({ formatVersion: 1, arms: 3, featureCount: 6 });
    expect(json.scaler.means).toHaveLength(6);
    // Feature 5 was planted around 5000 ± 1000: the scaler must have seen the raw scale.
    expect(json.scaler.means[5]).toBeCloseTo(5000, -2);
    expect(json.scaler.stds[5]).toBeCloseTo(1000, -2);
  });

  it('are rejected with a reason when damaged', async () => {
    const json = JSON.parse(artifacts.modelJson);
    const withJson = (changes: object) => ({
      ...artifacts,
      modelJson: JSON.stringify({ ...json, ...changes }),
    });
    await expect(loadResponseModel({ ...artifacts, modelJson: '{' })).rejects.toThrow(/not valid JSON/);
    await expect(loadResponseModel(withJson({ format: 'keras' }))).rejects.toThrow(/not a response model/);
    await expect(loadResponseModel(withJson({ formatVersion: 3 }))).rejects.toThrow(
      'model artifacts have format version 3; this build reads versions 1 and 2',
    );
    // Version 2 is an ensemble: a single network's JSON is not one.
    await expect(loadResponseModel(withJson({ formatVersion: 2 }))).rejects.toThrow(
      /not a version 2 response model \(members:/,
    );
    await expect(loadResponseModel(withJson({ scaler: { means: [0], stds: [1] } }))).rejects.toThrow(
      /1 means and 1 stds for 6 features/,
    );
    await expect(loadResponseModel({ ...artifacts, weights: artifacts.weights.subarray(4) })).rejects.toThrow(
      /weights are \d+ bytes but the weight specs need \d+/,
    );
    await expect(loadResponseModel(withJson({ arms: 4 }))).rejects.toThrow(/declares 6 features and 4 arms/);
  });
});

/** Member k of an ensemble's artifacts, as the one-network artifacts of version 1. */
function member(saved: ModelArtifacts, k: number): ModelArtifacts {
  const json = JSON.parse(saved.modelJson);
  const bytes = json.members.map((m: { weightSpecs: { shape: number[] }[] }) =>
    m.weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4, 0),
  );
  const from = bytes.slice(0, k).reduce((a: number, b: number) => a + b, 0);
  const { members, ...header } = json;
  return {
    modelJson: JSON.stringify({ ...header, formatVersion: 1, ...members[k] }),
    weights: saved.weights.subarray(from, from + bytes[k]),
  };
}

/** What member k of an ensemble's artifacts predicts on its own. */
async function memberPredicts(saved: ModelArtifacts, k: number, set: TrainingSet): Promise<Float32Array> {
  const one = await loadResponseModel(member(saved, k));
  const p = one.predict(set.features, set.rows);
  one.dispose();
  return p;
}

describe('with arm factors: two networks, averaged', () => {
  // Arms 1-3 send offer 0 by channel 0, offer 1 by channel 0 and offer 1 by channel 1.
  const factors = { offer: [0, 1, 1], channel: [0, 0, 1] };
  const set = syntheticTrainingSet(4_000, 21);
  const options = {
    seed: 5,
    arms: SYNTHETIC_ARMS,
    epochs: 3,
    hiddenUnits: [16, 8],
    armFactors: factors,
    replicas: 1,
  };
  let ensemble: ResponseModel;
  let saved: ModelArtifacts;

  beforeAll(async () => {
    ({ model: ensemble } = await trainResponseModel(set, options));
    saved = await ensemble.toArtifacts();
  }, TRAINING_TIMEOUT);
  afterAll(() => ensemble.dispose());

  it('stores both networks as format version 2 and predicts their mean', async () => {
    expect(JSON.parse(saved.modelJson)).toMatchObject({ formatVersion: 2, arms: 3, featureCount: 6 });
    expect(JSON.parse(saved.modelJson).members).toHaveLength(2);
    const perArm = await loadResponseModel(member(saved, 0));
    const factored = await loadResponseModel(member(saved, 1));
    const a = perArm.predict(set.features, set.rows);
    const b = factored.predict(set.features, set.rows);
    perArm.dispose();
    factored.dispose();
    const p = ensemble.predict(set.features, set.rows);
    expect(a).not.toEqual(b);
    for (let i = 0; i < p.length; i += 97) {
      expect(p[i]).toBeCloseTo(((a[i] as number) + (b[i] as number)) / 2, 6);
    }
  });

  it(
    'trains its first network exactly as the model without factors does',
    async () => {
      const { armFactors: _, ...single } = options;
      const { model: alone } = await trainResponseModel(set, single);
      const perArm = await loadResponseModel(member(saved, 0));
      expect(perArm.predict(set.features, set.rows)).toEqual(alone.predict(set.features, set.rows));
      perArm.dispose();
      alone.dispose();
    },
    TRAINING_TIMEOUT,
  );

  it('round-trips through its artifacts', async () => {
    const loaded = await loadResponseModel(saved);
    expect(loaded.predict(set.features, set.rows)).toEqual(ensemble.predict(set.features, set.rows));
    loaded.dispose();
    const json = JSON.parse(saved.modelJson);
    await expect(
      loadResponseModel({
        ...saved,
        modelJson: JSON.stringify({ ...json, members: json.members.slice(0, 1) }),
      }),
    ).rejects.toThrow(/not a version 2 response model/);
  });

  it(
    'frees both networks when disposed',
    async () => {
      const before = tf.memory().numTensors;
      const { model: m } = await trainResponseModel(set, { ...options, epochs: 1 });
      await m.toArtifacts();
      m.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
    TRAINING_TIMEOUT,
  );

  it('rejects factors that do not name an offer and a channel for every arm', async () => {
    await expect(
      trainResponseModel(set, { ...options, armFactors: { offer: [0, 1], channel: [0, 0, 1] } }),
    ).rejects.toThrow('armFactors.offer must give each of the 3 arms a 0-based index, got [0, 1]');
    await expect(
      trainResponseModel(set, { ...options, armFactors: { offer: [0, 1, 1], channel: [0, -1, 1] } }),
    ).rejects.toThrow(/armFactors.channel must give each of the 3 arms/);
  });
});

describe('replicas: each network trained again from its own seeds, all averaged', () => {
  const factors = { offer: [0, 1, 1], channel: [0, 0, 1] };
  const set = syntheticTrainingSet(4_000, 21);
  const options = { seed: 5, arms: SYNTHETIC_ARMS, epochs: 3, hiddenUnits: [16, 8], armFactors: factors };
  let saved: ModelArtifacts;
  let once: ModelArtifacts;
  let predicted: Float32Array;

  beforeAll(async () => {
    const { model: twice } = await trainResponseModel(set, { ...options, replicas: 2 });
    saved = await twice.toArtifacts();
    predicted = twice.predict(set.features, set.rows);
    twice.dispose();
    const { model: single } = await trainResponseModel(set, { ...options, replicas: 1 });
    once = await single.toArtifacts();
    single.dispose();
  }, TRAINING_TIMEOUT);

  it('stores both networks of every replica and predicts the mean of all four', async () => {
    expect(JSON.parse(saved.modelJson).members).toHaveLength(4);
    const members = await Promise.all([0, 1, 2, 3].map((k) => memberPredicts(saved, k, set)));
    for (let i = 0; i < predicted.length; i += 89) {
      const mean = members.reduce((sum, p) => sum + (p[i] as number), 0) / members.length;
      expect(predicted[i]).toBeCloseTo(mean, 6);
    }
  });

  it('trains its first replica exactly as the model of one replica, and the second from other seeds', async () => {
    const first = await memberPredicts(saved, 0, set);
    expect(first).toEqual(await memberPredicts(once, 0, set));
    expect(await memberPredicts(saved, 1, set)).toEqual(await memberPredicts(once, 1, set));
    expect(await memberPredicts(saved, 2, set)).not.toEqual(first);
    expect(await memberPredicts(saved, 3, set)).not.toEqual(await memberPredicts(saved, 1, set));
  });

  it('defaults to two replicas up to 100,000 training rows and one above', async () => {
    expect(defaultReplicas(14_500)).toBe(2);
    expect(defaultReplicas(100_000)).toBe(2);
    expect(defaultReplicas(100_001)).toBe(1);
    const { model: byDefault } = await trainResponseModel(set, { seed: 5, arms: SYNTHETIC_ARMS, epochs: 1 });
    expect(JSON.parse((await byDefault.toArtifacts()).modelJson).members).toHaveLength(2);
    byDefault.dispose();
  });

  it('rejects a count of replicas that is not a positive whole number', async () => {
    await expect(trainResponseModel(set, { ...options, replicas: 0 })).rejects.toThrow(
      'replicas must be a positive integer, got 0',
    );
    await expect(trainResponseModel(set, { ...options, replicas: 1.5 })).rejects.toThrow(
      'replicas must be a positive integer, got 1.5',
    );
  });
});

describe('tensor memory', () => {
  it('does not grow across predict calls', () => {
    model.predict(data.features, data.rows);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) model.predict(data.features, data.rows);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns to its starting count after training and disposing a model', async () => {
    const before = tf.memory().numTensors;
    const small = syntheticTrainingSet(2_000, 3);
    const trained = await trainResponseModel(small, { seed: 1, arms: SYNTHETIC_ARMS, epochs: 2 });
    await trained.model.toArtifacts();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    trained.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => trained.model.predict(small.features, small.rows)).toThrow(
      'the response model was disposed',
    );
  });
});

describe('determinism', () => {
  const small = () => syntheticTrainingSet(4_000, 21);
  const options = { arms: SYNTHETIC_ARMS, epochs: 3, hiddenUnits: [16, 8] };

  async function predictionsFor(seed: number): Promise<{ p: Float32Array; m: ResponseModelMetrics }> {
    const set = small();
    const { model: m, metrics: mm } = await trainResponseModel(set, { ...options, seed });
    const p = m.predict(set.features, set.rows);
    m.dispose();
    return { p, m: mm };
  }

  it(
    'gives identical predictions and metrics for the same seed, and different ones for another seed',
    async () => {
      const first = await predictionsFor(5);
      const second = await predictionsFor(5);
      const other = await predictionsFor(6);
      expect(second.p).toEqual(first.p);
      expect({ ...second.m, trainingMs: 0 }).toEqual({ ...first.m, trainingMs: 0 });
      expect(other.p).not.toEqual(first.p);
    },
    TRAINING_TIMEOUT,
  );
});

describe('input validation', () => {
  const valid = (): TrainingSet => syntheticTrainingSet(50, 1);
  const train = (set: TrainingSet, options: object = {}) =>
    trainResponseModel(set, { seed: 1, arms: SYNTHETIC_ARMS, epochs: 1, ...options });

  it('names the row of an arm outside the range', async () => {
    const set = valid();
    set.arm[17] = 5;
    await expect(train(set)).rejects.toThrow(
      new ResponseModelError('arm 5 at row 17 is outside 0..3 (0 = control, 1..3 = treatment)'),
    );
  });

  it('names the row and column of a non-finite feature', async () => {
    const set = valid();
    set.features[3 * SYNTHETIC_FEATURES + 2] = Number.NaN;
    await expect(train(set)).rejects.toThrow('feature 2 at row 3 is NaN; features must be finite');
  });

  it('rejects labels other than 0 and 1', async () => {
    const set = valid();
    set.label[4] = 2;
    await expect(train(set)).rejects.toThrow('label 2 at row 4 is not 0 or 1');
  });

  it('rejects arrays whose lengths disagree with rows and featureCount', async () => {
    await expect(train({ ...valid(), rows: 49 })).rejects.toThrow(
      'features has 300 values; 49 rows × 6 features need 294',
    );
    await expect(train({ ...valid(), arm: new Int32Array(49) })).rejects.toThrow(
      'arm has 49 entries for 50 rows',
    );
    await expect(train({ ...valid(), label: new Uint8Array(51) })).rejects.toThrow(
      'label has 51 entries for 50 rows',
    );
  });

  it('rejects an arm with no history', async () => {
    const set = valid();
    set.arm.forEach((a, i) => {
      if (a === 2) set.arm[i] = 1;
    });
    await expect(train(set)).rejects.toThrow(/^arm 2 has no rows/);
  });

  it('trains a history without control only when told to, and refuses control rows it was told are absent', async () => {
    const treatedOnly = valid();
    treatedOnly.arm.forEach((a, i) => {
      if (a === 0) treatedOnly.arm[i] = 1 + (i % SYNTHETIC_ARMS);
    });
    await expect(train(treatedOnly)).rejects.toThrow(/^arm 0 has no rows/);
    const { model: m } = await train(treatedOnly, { withoutControl: true, holdoutFraction: 0 });
    expect(m.predict(treatedOnly.features, treatedOnly.rows)).toHaveLength(treatedOnly.rows * HEADS);
    m.dispose();
    await expect(train(valid(), { withoutControl: true })).rejects.toThrow(
      /control rows in a training set declared without control/,
    );
  });

  it('rejects options that cannot train', async () => {
    await expect(train(valid(), { epochs: 0 })).rejects.toThrow('epochs must be a positive integer, got 0');
    await expect(train(valid(), { holdoutFraction: 1 })).rejects.toThrow(
      /holdoutFraction must be in \[0, 1\)/,
    );
    await expect(train(valid(), { learningRate: -1 })).rejects.toThrow(
      /learningRate must be a positive number/,
    );
    await expect(train(valid(), { hiddenUnits: [8, 0] })).rejects.toThrow(
      'hiddenUnits[1] must be a positive integer',
    );
    await expect(train(valid(), { seed: 1.5 })).rejects.toThrow('seed must be an integer, got 1.5');
    await expect(train(valid(), { l2Regularization: -0.1 })).rejects.toThrow(
      /l2Regularization must be 0 or more/,
    );
  });

  it('trains without a holdout, reporting the holdout metrics as NaN', async () => {
    const { model: m, metrics: mm } = await train(syntheticTrainingSet(400, 2), { holdoutFraction: 0 });
    m.dispose();
    expect(mm).toMatchObject({
      trainRows: 400,
      holdoutRows: 0,
      holdoutAuc: Number.NaN,
      holdoutQini: Number.NaN,
    });
  });

  it('checks what it is asked to predict', () => {
    expect(() => model.predict(new Float32Array(7), 1)).toThrow(
      'features has 7 values; 1 rows × 6 features need 6',
    );
    const bad = new Float32Array(12);
    bad[7] = Number.POSITIVE_INFINITY;
    expect(() => model.predict(bad, 2)).toThrow('feature 1 at row 1 is Infinity; features must be finite');
    expect(model.predict(new Float32Array(0), 0)).toHaveLength(0);
  });
});
