import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A stream key: the seed plus labels such as `('history', customerIndex)`. */
export type StreamKey = string | number;

// Four hash lanes give a 128-bit generator state, so thousands of per-customer streams do not
// collide the way 32-bit seeds would (birthday bound) and close seeds do not give related streams.
const LANE_SEEDS: readonly number[] = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f];

function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const stringWords = new Map<string, number>();

/** Labels repeat for every customer ('history', campaign ids), so their hash is computed once. */
function stringWord(key: string): number {
  let word = stringWords.get(key);
  if (word === undefined) {
    word = 0x737472;
    for (let i = 0; i < key.length; i++) word = fmix32(Math.imul(word ^ key.charCodeAt(i), 0x01000193));
    word = fmix32(word ^ key.length);
    stringWords.set(key, word);
  }
  return word;
}

function stateFor(keys: readonly StreamKey[]): number[] {
  const words: number[] = [];
  for (const key of keys) {
    if (typeof key === 'string') {
      words.push(0x737472, stringWord(key));
    } else {
      // Seeds may exceed 32 bits; fold both halves in so 1 and 2**32 + 1 differ.
      words.push(0x6e756d, key >>> 0, Math.floor(key / 0x1_0000_0000) | 0);
    }
  }
  const state = LANE_SEEDS.map((laneSeed) => {
    let h = laneSeed;
    for (const w of words) h = fmix32(Math.imul(h ^ w, 0x01000193) + 0x7f4a7c15);
    return fmix32(h ^ words.length);
  });
  // xoroshiro128+ is stuck at zero forever, so an all-zero state must be avoided.
  if (!state.some((s) => s !== 0)) state[0] = 1;
  return state;
}

/** Seeded pseudo-random numbers (xoroshiro128+ from pure-rand) with the distributions the demo needs. */
export class Random {
  private readonly rng: RandomGenerator;

  private constructor(rng: RandomGenerator) {
    this.rng = rng;
  }

  /** An independent stream for a seed and labels; the same keys always give the same stream. */
  static stream(...keys: readonly StreamKey[]): Random {
    return new Random(xoroshiro128plusFromState(stateFor(keys)));
  }

  /** A plain `() => number` in [0, 1) for code that only needs uniform draws, e.g. instance generators. */
  static uniformSource(...keys: readonly StreamKey[]): () => number {
    const random = Random.stream(...keys);
    return () => random.uniform();
  }

  /** Uniform in [0, 1), or in [min, max) when bounds are given. */
  uniform(min = 0, max = 1): number {
    return min + (max - min) * uniformFloat64(this.rng);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(uniformFloat64(this.rng) * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return uniformFloat64(this.rng) < p;
  }

  /** Standard normal by Box-Muller (one draw per call keeps streams simple to reason about). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - uniformFloat64(this.rng);
    const v = uniformFloat64(this.rng);
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal parameterised by its mean (not the mean of the log) and the sd of the log. */
  lognormal(mean: number, sigma: number): number {
    return Math.exp(this.normal(Math.log(mean) - (sigma * sigma) / 2, sigma));
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - uniformFloat64(this.rng));
  }

  /** Poisson count; Knuth's method is exact and fast for the small rates used here. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = uniformFloat64(this.rng);
    while (p > limit) {
      k++;
      p *= uniformFloat64(this.rng);
    }
    return k;
  }

  /** Index drawn with probability proportional to its (non-negative) weight. */
  weighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] ?? 0;
    let target = uniformFloat64(this.rng) * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i] ?? 0;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }

  /** Index drawn from cumulative weights (ascending, last = total) by binary search: the hot path. */
  fromCumulative(cumulative: Float64Array): number {
    const target = uniformFloat64(this.rng) * (cumulative[cumulative.length - 1] ?? 0);
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(uniformFloat64(this.rng) * items.length)];
    if (item === undefined) throw new Error('pick from an empty array');
    return item;
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(uniformFloat64(this.rng) * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

/** Running sums of weights, for `Random.fromCumulative`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (const [i, w] of weights.entries()) {
    sum += w;
    out[i] = sum;
  }
  return out;
}
