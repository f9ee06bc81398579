/**
 * The X-learner (Künzel et al. 2019), per arm against control: a T-learner first predicts each
 * customer's response under both; then each group's imputed effects (treated: y − μ0(x), control:
 * μa(x) − y) are regressed on x, and the two effect models are blended by the treated share g:
 * τ(x) = g·τ0(x) + (1 − g)·τ1(x). The second stage learns the effect directly, so it can be smoother
 * than the difference of two separately noisy response models.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { applyScaler, fitScaler } from '../scoring/scaler';
import { seededRandom } from '../scoring/split';
import { type DenseNetwork, type DenseNetworkOptions, trainDenseNetwork } from './dense-network';
import { trainTLearner } from './t-learner';
import { gatherFeatures, rowsOfArms, type UpliftModel, type UpliftTrainingSet } from './uplift-model';

const MAX_SEED = 0x7fffffff;

export interface XLearnerOptions {
  seed: number;
  /** The first-stage response models (a T-learner). */
  response: Omit<DenseNetworkOptions, 'task' | 'seed'>;
  /** The second-stage effect regressions. */
  effect: Omit<DenseNetworkOptions, 'task' | 'seed'>;
}

export async function trainXLearner(
  data: UpliftTrainingSet,
  arms: number,
  options: XLearnerOptions,
): Promise<UpliftModel> {
  const rng = seededRandom(options.seed);
  const first = await trainTLearner(data, arms, { ...options.response, seed: uniformInt(rng, 0, MAX_SEED) });
  const response = first.predictResponse(data.features, data.rows);
  first.dispose();

  const scaler = fitScaler(data.features, data.featureCount);
  const scaled = applyScaler(scaler, data.features, data.rows);
  const width = arms + 1;
  // Per arm: [effect model fitted on control rows, on treated rows, treated share g].
  const stages: { onControl: DenseNetwork; onTreated: DenseNetwork; treatedShare: number }[] = [];
  const fitEffect = (rows: number[], targets: Float32Array) =>
    trainDenseNetwork(gatherFeatures(scaled, data.featureCount, rows), targets, data.featureCount, {
      ...options.effect,
      seed: uniformInt(rng, 0, MAX_SEED),
      task: 'regression',
    });
  try {
    for (let arm = 1; arm <= arms; arm++) {
      const control = rowsOfArms(data, [0]);
      const treated = rowsOfArms(data, [arm]);
      const onControl = await fitEffect(
        control,
        Float32Array.from(
          control,
          (r) => (response[r * width + arm] as number) - (data.outcome[r] as number),
        ),
      );
      const onTreated = await fitEffect(
        treated,
        Float32Array.from(treated, (r) => (data.outcome[r] as number) - (response[r * width] as number)),
      ).catch((error: unknown) => {
        onControl.dispose();
        throw error;
      });
      stages.push({ onControl, onTreated, treatedShare: treated.length / (treated.length + control.length) });
    }
  } catch (error) {
    for (const s of stages) {
      s.onControl.dispose();
      s.onTreated.dispose();
    }
    throw error;
  }
  return {
    arms,
    predictUplift(features, rows) {
      const x = applyScaler(scaler, features, rows);
      const out = new Float32Array(rows * arms);
      stages.forEach((stage, i) => {
        const t0 = stage.onControl.predict(x, rows);
        const t1 = stage.onTreated.predict(x, rows);
        const g = stage.treatedShare;
        for (let r = 0; r < rows; r++)
          out[r * arms + i] = g * (t0[r] as number) + (1 - g) * (t1[r] as number);
      });
      return out;
    },
    dispose() {
      for (const s of stages) {
        s.onControl.dispose();
        s.onTreated.dispose();
      }
    },
  };
}
