import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChurnModel,
  type ChurnTrainingReport,
  loadChurnModel,
  trainChurnModel,
} from '#shared/domain/churn/churn-model';
import { ChurnModelError } from '#shared/domain/churn/errors';
import { rocAuc } from '#shared/domain/scoring/metrics';
import { syntheticCustomers } from '../../support/synthetic-customers';

const train = syntheticCustomers(1200, 1);
const fresh = syntheticCustomers(2000, 2);
const options = { seed: 42, epochs: 15, members: 3 };

describe('trainChurnModel on a planted signal', () => {
  let model: ChurnModel;
  let report: ChurnTrainingReport;

  beforeAll(async () => {
    ({ model, report } = await trainChurnModel(train, options));
  }, 60_000);
  afterAll(() => model.dispose());

  it('ranks fresh customers nearly as well as the true probabilities do', () => {
    const predicted = model.predict(fresh.features, fresh.rows);
    const best = rocAuc(fresh.churnProbability, fresh.label);
    expect(rocAuc(predicted, fresh.label)).toBeGreaterThan(best - 0.03);
  });

  it('gives calibrated probabilities on fresh customers', () => {
    const predicted = model.predict(fresh.features, fresh.rows);
    const mean = predicted.reduce((s, p) => s + p, 0) / fresh.rows;
    const observed = fresh.label.reduce((s, y) => s + y, 0) / fresh.rows;
    expect(Math.abs(mean - observed)).toBeLessThan(0.03);
    // Close to the true probabilities, not only right on average.
    const error = predicted.reduce((s, p, i) => s + Math.abs(p - (fresh.churnProbability[i] as number)), 0);
    expect(error / fresh.rows).toBeLessThan(0.06);
    expect(report.calibration.ece).toBeLessThan(0.05);
  });

  it('picks the F2 threshold on out-of-fold predictions and exposes it', () => {
    expect(report.threshold.beta).toBe(2);
    expect(model.threshold).toBe(report.threshold.threshold);
    // F2 favours recall: most churners are flagged.
    expect(report.threshold.recall).toBeGreaterThan(report.threshold.precision);
    expect(report.outOfFoldAuc).toBeGreaterThan(0.8);
  });

  it('round-trips through its artifacts to the same predictions and threshold, and refuses damaged ones', async () => {
    const artifacts = await model.toArtifacts();
    // An S3 read hands back a view into a larger buffer.
    const padded = new Uint8Array(artifacts.weights.byteLength + 16);
    padded.set(artifacts.weights, 8);
    const loaded = await loadChurnModel({
      ...artifacts,
      weights: padded.subarray(8, 8 + artifacts.weights.byteLength),
    });
    try {
      expect(loaded.predict(fresh.features, fresh.rows)).toEqual(model.predict(fresh.features, fresh.rows));
      expect(loaded.threshold).toBe(model.threshold);
    } finally {
      loaded.dispose();
    }
    await expect(loadChurnModel({ ...artifacts, weights: artifacts.weights.subarray(4) })).rejects.toThrow(
      /churn model artifacts: weights are \d+ bytes but the weight specs need \d+/,
    );
    await expect(loadChurnModel({ ...artifacts, modelJson: '{' })).rejects.toBeInstanceOf(ChurnModelError);
    const otherFormat = JSON.stringify({
      ...JSON.parse(artifacts.modelJson),
      format: 'campaign-optimizer/value-model',
    });
    await expect(loadChurnModel({ ...artifacts, modelJson: otherFormat })).rejects.toThrow(
      /not a campaign-optimizer\/churn-model bundle/,
    );
  });

  it('is deterministic for a seed', async () => {
    const again = await trainChurnModel(train, options);
    try {
      const head = fresh.features.subarray(0, 50 * fresh.featureCount);
      expect(again.model.predict(head, 50)).toEqual(model.predict(head, 50));
    } finally {
      again.model.dispose();
    }
  }, 60_000);
});

describe('trainChurnModel input checks', () => {
  it('names a non-finite feature and a single-class label', async () => {
    const features = Float32Array.from(train.features);
    features[7] = Number.NaN;
    await expect(trainChurnModel({ ...train, features }, options)).rejects.toThrow(/feature 1 of row 1/);
    await expect(trainChurnModel({ ...train, label: new Uint8Array(train.rows) }, options)).rejects.toThrow(
      ChurnModelError,
    );
  });
});
