/**
 * The T-learner ("two-model" approach): one response model per arm, each fitted only on the customers
 * who got that arm; uplift = P(outcome | arm) − P(outcome | control). Every interaction between a
 * customer attribute and the treatment is implicit, since the arms share nothing.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { applyScaler, fitScaler } from '../scoring/scaler';
import { seededRandom } from '../scoring/split';
import { type DenseNetwork, type DenseNetworkOptions, trainDenseNetwork } from './dense-network';
import { UpliftError } from './errors';
import {
  gatherFeatures,
  rowsOfArms,
  type UpliftModel,
  type UpliftTrainingSet,
  upliftFromProbabilities,
} from './uplift-model';

export type TLearnerOptions = Omit<DenseNetworkOptions, 'task'>;

export interface TLearner extends UpliftModel {
  /** rows × (arms + 1) predicted response probabilities, column 0 = control. */
  predictResponse(features: Float32Array, rows: number): Float32Array;
}

const MAX_SEED = 0x7fffffff;

/** Trains one network per arm (0 = control .. arms) on a shared standardisation of all training rows. */
export async function trainTLearner(
  data: UpliftTrainingSet,
  arms: number,
  options: TLearnerOptions,
): Promise<TLearner> {
  const scaler = fitScaler(data.features, data.featureCount);
  const scaled = applyScaler(scaler, data.features, data.rows);
  const rng = seededRandom(options.seed);
  const networks: DenseNetwork[] = [];
  try {
    for (let arm = 0; arm <= arms; arm++) {
      const rows = rowsOfArms(data, [arm]);
      if (rows.length === 0) throw new UpliftError(`arm ${arm} has no training rows`);
      const targets = Float32Array.from(rows, (r) => data.outcome[r] as number);
      networks.push(
        await trainDenseNetwork(gatherFeatures(scaled, data.featureCount, rows), targets, data.featureCount, {
          ...options,
          seed: uniformInt(rng, 0, MAX_SEED),
          task: 'binary',
        }),
      );
    }
  } catch (error) {
    for (const network of networks) network.dispose();
    throw error;
  }

  const predictResponse = (features: Float32Array, rows: number): Float32Array => {
    const x = applyScaler(scaler, features, rows);
    const out = new Float32Array(rows * (arms + 1));
    networks.forEach((network, arm) => {
      const p = network.predict(x, rows);
      for (let r = 0; r < rows; r++) out[r * (arms + 1) + arm] = p[r] as number;
    });
    return out;
  };
  return {
    arms,
    predictResponse,
    predictUplift: (features, rows) => upliftFromProbabilities(predictResponse(features, rows), arms),
    dispose: () => {
      for (const network of networks) network.dispose();
    },
  };
}
