import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A seeded random source; the same seed always yields the same sequence on every platform. */
export function seededRandom(seed: number): RandomGenerator {
  return xoroshiro128plus(seed | 0);
}

/** Shuffles `values` in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<T extends { [index: number]: number; length: number }>(
  values: T,
  rng: RandomGenerator,
): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const held = values[i] as number;
    values[i] = values[j] as number;
    values[j] = held;
  }
  return values;
}

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, rng: RandomGenerator): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, rng);
}

/** Row indices of a train/holdout split; each list is in a seeded random order. */
export interface Split {
  train: Int32Array;
  holdout: Int32Array;
}

/**
 * Splits rows into train and holdout so that every arm keeps (up to rounding) the same holdout share:
 * a small arm must not end up with no holdout rows, nor its whole history held out, by chance.
 * Within each arm, `round(count × holdoutFraction)` rows go to the holdout, but never the arm's last
 * training row: a head with no training rows would predict nothing but its initial bias.
 */
export function stratifiedSplit(arm: Int32Array, arms: number, holdoutFraction: number, seed: number): Split {
  const rng = seededRandom(seed);
  const byArm: number[][] = Array.from({ length: arms + 1 }, () => []);
  for (let row = 0; row < arm.length; row++) byArm[arm[row] as number]?.push(row);

  const train: number[] = [];
  const holdout: number[] = [];
  for (const rows of byArm) {
    const order = shuffleInPlace(rows, rng);
    const held = Math.min(Math.round(order.length * holdoutFraction), order.length - 1);
    for (let i = 0; i < order.length; i++) (i < held ? holdout : train).push(order[i] as number);
  }
  // Arm-major order would hand the optimiser one arm at a time; mix the arms back together.
  return {
    train: shuffleInPlace(Int32Array.from(train), rng),
    holdout: shuffleInPlace(Int32Array.from(holdout), rng),
  };
}
