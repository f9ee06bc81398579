import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * A generator for a seed and labels (dataset, column). Each column gets its own stream so a
 * column's sample does not change when another column is added to the contract.
 */
export function labelledGenerator(seed: number, ...labels: readonly string[]): RandomGenerator {
  const words: number[] = [seed >>> 0, Math.floor(seed / 0x1_0000_0000) | 0];
  for (const label of labels) {
    let h = 0x811c9dc5;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    words.push(fmix32(h ^ label.length));
  }
  const state = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f].map((lane) => {
    let h = lane;
    for (const w of words) h = fmix32(Math.imul(h ^ w, 0x01000193) + 0x7f4a7c15);
    return fmix32(h ^ words.length);
  });
  // xoroshiro128+ never leaves the all-zero state.
  if (!state.some((s) => s !== 0)) state[0] = 1;
  return xoroshiro128plusFromState(state);
}

/**
 * A uniform random sample of fixed capacity over a stream of unknown length (Li's Algorithm L).
 * Rather than drawing a random number per value, it draws how many values to skip, so a 10 M row
 * column costs a few thousand draws, and the sample is the same for the same seed and input order.
 */
export class Reservoir {
  private readonly items: Float64Array;
  private filled = 0;
  private seen = 0;
  /** Index (0-based, in the stream) of the next value that enters the sample. */
  private next = 0;
  private w = 1;

  constructor(
    readonly capacity: number,
    private readonly rng: RandomGenerator,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`a reservoir needs a positive whole capacity, got ${capacity}`);
    }
    this.items = new Float64Array(capacity);
  }

  /** In (0, 1]: a logarithm of it is finite. */
  private draw(): number {
    return 1 - uniformFloat64(this.rng);
  }

  private scheduleNext(): void {
    this.w *= Math.exp(Math.log(this.draw()) / this.capacity);
    // When w rounds to 1 the divisor is -Infinity and the skip is 0, which is still a valid draw.
    this.next += Math.floor(Math.log(this.draw()) / Math.log(1 - this.w)) + 1;
  }

  offer(value: number): void {
    const index = this.seen++;
    if (this.filled < this.capacity) {
      this.items[this.filled++] = value;
      if (this.filled === this.capacity) {
        this.next = index;
        this.scheduleNext();
      }
      return;
    }
    if (index === this.next) {
      this.items[uniformInt(this.rng, 0, this.capacity - 1)] = value;
      this.scheduleNext();
    }
  }

  /** The sample, ascending. */
  sorted(): Float64Array {
    return this.items.slice(0, this.filled).sort();
  }
}
