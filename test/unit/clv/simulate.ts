import { Random } from '#shared/demo/random';
import type { BgNbdParams, RepeatHistory } from '#shared/domain/clv/bg-nbd';
import type { GammaGammaParams, RepeatSpend } from '#shared/domain/clv/gamma-gamma';

/** Gamma(shape, rate) by Marsaglia & Tsang; shapes below 1 are boosted by U^(1/shape). */
export function gamma(random: Random, shape: number, rate: number): number {
  if (shape < 1) return gamma(random, shape + 1, rate) * random.uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = random.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = random.uniform();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export interface SimulatedCustomer extends RepeatHistory {
  /** Repeat purchases in (T, T + holdout]. */
  readonly holdoutPurchases: number;
}

/**
 * Customers drawn from the BG/NBD story itself: λ ~ Gamma(r, α), p ~ Beta(a, b), Poisson purchases
 * while alive, drop-out with probability p after each repeat purchase, each observed for its own T
 * and then for `holdout` periods more.
 */
export function simulateBgNbd(
  params: BgNbdParams,
  ages: readonly number[],
  seed: number,
  holdout = 0,
): SimulatedCustomer[] {
  const random = Random.stream(seed, 'bg-nbd');
  return ages.map((T) => {
    const lambda = gamma(random, params.r, params.alpha);
    const g1 = gamma(random, params.a, 1);
    const dropout = g1 / (g1 + gamma(random, params.b, 1));
    let t = 0;
    let frequency = 0;
    let recency = 0;
    let holdoutPurchases = 0;
    for (;;) {
      t += random.exponential(1 / lambda);
      if (t > T + holdout) break;
      if (t <= T) {
        frequency++;
        recency = t;
      } else {
        holdoutPurchases++;
      }
      if (random.chance(dropout)) break;
    }
    return { frequency, recency, T, holdoutPurchases };
  });
}

/** Repeat customers with 1..10 purchases whose spends follow the Gamma-Gamma story. */
export function simulateGammaGamma(params: GammaGammaParams, customers: number, seed: number): RepeatSpend[] {
  const random = Random.stream(seed, 'gamma-gamma');
  return Array.from({ length: customers }, () => {
    const nu = gamma(random, params.q, params.v);
    const frequency = random.int(1, 10);
    let total = 0;
    for (let i = 0; i < frequency; i++) total += gamma(random, params.p, nu);
    return { frequency, monetary: total / frequency };
  });
}
