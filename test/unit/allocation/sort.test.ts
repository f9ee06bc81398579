import { describe, expect, it } from 'vitest';
import { smallestByKey, sortByKey } from '../../../shared/domain/allocation/sort';
import { mulberry32 } from './fixtures';

function reference(keys: readonly number[]): number[] {
  // Array.prototype.sort is stable: equal keys keep index order.
  return keys
    .map((key, index) => ({ key, index }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((entry) => entry.index);
}

describe('sortByKey', () => {
  it.each([10, 1_000, 100_000])('orders %i keys like a stable comparison sort', (count) => {
    const rand = mulberry32(count);
    // Few distinct values force many ties; the specials probe the float bit tricks.
    const specials = [0, -0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 1e-300, -1e-300, 1e300];
    const keys = Array.from({ length: count }, () => {
      const roll = rand();
      if (roll < 0.05) return specials[Math.floor(rand() * specials.length)] as number;
      if (roll < 0.5) return Math.round(rand() * 20 - 10);
      return (rand() - 0.5) * 10 ** Math.floor(rand() * 20 - 10);
    });
    const items = Int32Array.from(keys, (_, index) => index);
    const sortedKeys = Float64Array.from(keys);
    sortByKey(items, sortedKeys, count);
    // -0 and 0 compare equal but have different bits: the radix sort puts -0 first, so compare
    // values with the sign of zero dropped, and check stability on bit-identical keys.
    const byValue = (order: ArrayLike<number>) => Array.from(order, (index) => (keys[index] as number) + 0);
    expect(byValue(items)).toEqual(byValue(reference(keys)));
    expect(Array.from(sortedKeys, (key) => key + 0)).toEqual(byValue(items));
    for (let p = 1; p < count; p++) {
      const previous = keys[items[p - 1] as number] as number;
      const current = keys[items[p] as number] as number;
      if (Object.is(previous, current)) expect(items[p]).toBeGreaterThan(items[p - 1] as number);
    }
  });

  it('sorts only the first count entries', () => {
    const items = Int32Array.from({ length: 100 }, (_, p) => p);
    const keys = Float64Array.from({ length: 100 }, (_, p) => 100 - p);
    sortByKey(items, keys, 80);
    expect(Array.from(items.subarray(0, 3))).toEqual([79, 78, 77]);
    expect(Array.from(items.subarray(80))).toEqual(Array.from({ length: 20 }, (_, p) => 80 + p));
  });
});

describe('smallestByKey', () => {
  it.each([
    [0, 5],
    [10, 20],
    [1_000, 1],
    [1_000, 37],
    [50_000, 2048],
  ])('puts the smallest of %i keys first, %i of them, as a stable sort would', (count, limit) => {
    const rand = mulberry32(count + limit);
    // Few distinct values force ties, which must go to the lower item.
    const keys = Array.from({ length: count }, () => Math.floor(rand() * 50) - 25);
    const items = Int32Array.from(keys, (_, index) => index);
    const work = Float64Array.from(keys);
    const kept = smallestByKey(items, work, count, limit);
    expect(kept).toBe(Math.min(count, limit));
    const expected = reference(keys).slice(0, kept);
    expect(Array.from(items.subarray(0, kept))).toEqual(expected);
    expect(Array.from(work.subarray(0, kept))).toEqual(expected.map((index) => keys[index]));
  });
});
