/**
 * Class transformation (Jaskowski & Jaroszewicz 2012; sklift's `ClassTransformation`): for each arm
 * against control, one classifier learns z = 1 when a treated customer responded or a control customer
 * did not. With treatment given to half the pair at random, P(z = 1 | x) = (1 + uplift(x)) / 2, so
 * uplift = 2·P(z = 1 | x) − 1. The 50/50 assumption holds in the Hillstrom test (21,387 Womens vs
 * 21,306 No E-Mail); with unequal shares the estimate is biased by the imbalance.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { applyScaler, fitScaler } from '../scoring/scaler';
import { seededRandom } from '../scoring/split';
import { type DenseNetwork, type DenseNetworkOptions, trainDenseNetwork } from './dense-network';
import { gatherFeatures, rowsOfArms, type UpliftModel, type UpliftTrainingSet } from './uplift-model';

const MAX_SEED = 0x7fffffff;

export async function trainClassTransformation(
  data: UpliftTrainingSet,
  arms: number,
  options: Omit<DenseNetworkOptions, 'task'>,
): Promise<UpliftModel> {
  const scaler = fitScaler(data.features, data.featureCount);
  const scaled = applyScaler(scaler, data.features, data.rows);
  const rng = seededRandom(options.seed);
  const networks: DenseNetwork[] = [];
  try {
    for (let arm = 1; arm <= arms; arm++) {
      const rows = rowsOfArms(data, [0, arm]);
      const z = Float32Array.from(rows, (r) => {
        const treated = data.arm[r] === arm;
        return (data.outcome[r] === 1) === treated ? 1 : 0;
      });
      networks.push(
        await trainDenseNetwork(gatherFeatures(scaled, data.featureCount, rows), z, data.featureCount, {
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
  return {
    arms,
    predictUplift(features, rows) {
      const x = applyScaler(scaler, features, rows);
      const out = new Float32Array(rows * arms);
      networks.forEach((network, i) => {
        const p = network.predict(x, rows);
        for (let r = 0; r < rows; r++) out[r * arms + i] = 2 * (p[r] as number) - 1;
      });
      return out;
    },
    dispose() {
      for (const network of networks) network.dispose();
    },
  };
}
