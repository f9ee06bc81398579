import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantileCoverage, rSquared, spearman } from '#shared/domain/model-eval/regression-metrics';
import { ValueModelError } from '#shared/domain/value-model/errors';
import {
  loadValueModel,
  trainValueModel,
  type ValueModel,
  type ValueTrainingReport,
} from '#shared/domain/value-model/value-model';
import { syntheticCustomers } from '../../support/synthetic-customers';

const customers = syntheticCustomers(1500, 3);
const train = { ...customers, target: customers.spend };
const fresh = syntheticCustomers(3000, 4);
const options = { seed: 42, epochs: 20, members: 3 };

describe('trainValueModel on a planted signal', () => {
  let model: ValueModel;
  let report: ValueTrainingReport;

  beforeAll(async () => {
    ({ model, report } = await trainValueModel(train, options));
  }, 60_000);
  afterAll(() => model.dispose());

  it('estimates the expected spend of fresh customers', () => {
    const { estimate } = model.predict(fresh.features, fresh.rows);
    // Against the truth's own expectation, not the noisy draw: the point head targets the mean. R² is
    // looser than the rank check because a few lognormal whales dominate it.
    expect(spearman(estimate, fresh.expectedSpend)).toBeGreaterThan(0.95);
    expect(rSquared(estimate, fresh.expectedSpend)).toBeGreaterThan(0.5);
    expect(spearman(estimate, fresh.spend)).toBeGreaterThan(
      spearman(fresh.expectedSpend, fresh.spend) - 0.03,
    );
    const total = estimate.reduce((s, v) => s + v, 0);
    const actual = fresh.spend.reduce((s, v) => s + v, 0);
    expect(Math.abs(total / actual - 1)).toBeLessThan(0.15);
  });

  it('round-trips through its artifacts to the same estimates and quantiles', async () => {
    const loaded = await loadValueModel(await model.toArtifacts());
    try {
      expect(loaded.quantileLevels).toEqual(model.quantileLevels);
      expect(loaded.predict(fresh.features, fresh.rows)).toEqual(model.predict(fresh.features, fresh.rows));
    } finally {
      loaded.dispose();
    }
  });

  it('refuses artifacts whose settings do not fit its networks', async () => {
    const artifacts = await model.toArtifacts();
    const json = JSON.parse(artifacts.modelJson);
    const fewerQuantiles = {
      ...json,
      settings: { ...json.settings, head: { ...json.settings.head, quantiles: [0.5] } },
    };
    await expect(loadValueModel({ ...artifacts, modelJson: JSON.stringify(fewerQuantiles) })).rejects.toThrow(
      /value model artifacts: the settings do not fit the networks/,
    );
  });

  it('gives ordered quantiles whose coverage is near their levels', () => {
    const { quantiles } = model.predict(fresh.features, fresh.rows);
    const [p10, p50, p90] = quantiles as [Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < fresh.rows; i++) {
      expect(p10[i]).toBeLessThanOrEqual(p50[i] as number);
      expect(p50[i]).toBeLessThanOrEqual(p90[i] as number);
    }
    // 30% of spends are exactly 0: the true P10 is 0 and ties count half, so P10 coverage sits near 0.15.
    expect(quantileCoverage(p50, fresh.spend)).toBeGreaterThan(0.42);
    expect(quantileCoverage(p50, fresh.spend)).toBeLessThan(0.58);
    expect(quantileCoverage(p90, fresh.spend)).toBeGreaterThan(0.84);
    expect(quantileCoverage(p90, fresh.spend)).toBeLessThan(0.96);
    expect(report.outOfFold.coverage).toHaveLength(3);
  });

  it('applies the smearing factor only to the log-mse point head', async () => {
    expect(report.smearing).toBe(1);
    const logged = await trainValueModel(train, { ...options, pointLoss: 'log-mse', learningRate: 0.005 });
    try {
      // The log-scale residual spread makes E[e^residual] > 1: the back-transform must scale up.
      expect(logged.report.smearing).toBeGreaterThan(1.5);
      const { estimate } = logged.model.predict(fresh.features, fresh.rows);
      expect(spearman(estimate, fresh.expectedSpend)).toBeGreaterThan(0.9);
    } finally {
      logged.model.dispose();
    }
  }, 60_000);
});

describe('trainValueModel input checks', () => {
  it('rejects a negative target and unordered quantile levels', async () => {
    const target = Float64Array.from(customers.spend);
    target[3] = -1;
    await expect(trainValueModel({ ...train, target }, options)).rejects.toThrow(/row 3/);
    await expect(trainValueModel(train, { ...options, quantiles: [0.9, 0.1] })).rejects.toThrow(
      ValueModelError,
    );
  });
});
