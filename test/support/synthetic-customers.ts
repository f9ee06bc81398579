import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { seededRandom } from '#shared/domain/scoring/split';

/** Customers with a planted signal: whoever churns or spends is decided by two of six features. */
export interface SyntheticCustomers {
  rows: number;
  featureCount: number;
  features: Float32Array;
  /** The true churn probability of each row. */
  churnProbability: Float64Array;
  label: Uint8Array;
  /** The true expected spend of each row. */
  expectedSpend: Float64Array;
  spend: Float64Array;
}

const FEATURES = 6;

/**
 * Features: x0, x1 standard normal (the signal), x2, x3 normal noise, x4 a heavy-tailed count-like
 * noise feature (what log scaling is for), x5 a 0/1 flag. Churn ~ Bernoulli(sigmoid(2·x0 − 1.5·x1));
 * spend is zero with probability 0.3, otherwise lognormal with log-mean 3 + 0.9·x0 + 0.6·x1.
 */
export function syntheticCustomers(rows: number, seed: number): SyntheticCustomers {
  const rng = seededRandom(seed);
  const normal = () => {
    const u = 1 - uniformFloat64(rng);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniformFloat64(rng));
  };
  const features = new Float32Array(rows * FEATURES);
  const churnProbability = new Float64Array(rows);
  const label = new Uint8Array(rows);
  const expectedSpend = new Float64Array(rows);
  const spend = new Float64Array(rows);
  const sigma = 0.6;
  for (let i = 0; i < rows; i++) {
    const x = [
      normal(),
      normal(),
      normal(),
      normal(),
      Math.floor(Math.exp(2 * normal())),
      uniformFloat64(rng) < 0.5 ? 1 : 0,
    ];
    features.set(x, i * FEATURES);
    const x0 = x[0] as number;
    const x1 = x[1] as number;
    const p = 1 / (1 + Math.exp(-(2 * x0 - 1.5 * x1)));
    churnProbability[i] = p;
    label[i] = uniformFloat64(rng) < p ? 1 : 0;
    const logMean = 3 + 0.9 * x0 + 0.6 * x1;
    expectedSpend[i] = 0.7 * Math.exp(logMean + (sigma * sigma) / 2);
    spend[i] = uniformFloat64(rng) < 0.3 ? 0 : Math.exp(logMean + sigma * normal());
  }
  return { rows, featureCount: FEATURES, features, churnProbability, label, expectedSpend, spend };
}
