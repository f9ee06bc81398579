import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Draws `size` distinct indices out of `0..n-1` without replacement, reproducibly for a seed.
 * Returns every index when `size >= n`. The result is sorted ascending so that callers iterate
 * the sample in input order, independent of the draw order.
 *
 * @param n - population size
 * @param size - wanted sample size
 * @param seed - integer seed
 * @example seededSample(5, 10, 1) // Int32Array [0, 1, 2, 3, 4]
 */
export function seededSample(n: number, size: number, seed: number): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  if (size >= n) return pool;

  // Partial Fisher-Yates: only the first `size` slots need shuffling.
  const rng = xoroshiro128plus(seed);
  for (let i = 0; i < size; i++) {
    const j = uniformInt(rng, i, n - 1);
    const tmp = pool[i] ?? 0;
    pool[i] = pool[j] ?? 0;
    pool[j] = tmp;
  }
  return pool.slice(0, size).sort();
}
