import { describe, expect, it } from 'vitest';
import { unitHash } from '#shared/domain/registry/holdout';
import { HashSample } from '#shared/domain/scoring/hash-sample';

const keys = Array.from({ length: 5000 }, (_, i) => `K${i}`);

function sampleOf(order: readonly string[], limit: number): string[] {
  const sample = new HashSample<string>(limit);
  for (const k of order) sample.offer(k, () => k);
  return sample.take();
}

describe('HashSample', () => {
  it('keeps the `limit` keys that hash lowest, whatever order they arrive in', () => {
    const expected = [...keys]
      .sort((a, b) => unitHash(`sample:${a}`) - unitHash(`sample:${b}`))
      .slice(0, 300);
    expect(sampleOf(keys, 300)).toEqual(expected);
    expect(sampleOf([...keys].reverse(), 300)).toEqual(expected);
  });

  it('keeps what it kept when the stream gains rows, except where a new row hashes lower', () => {
    const before = new Set(sampleOf(keys.slice(0, 4000), 200));
    const after = sampleOf(keys, 200);
    const kept = after.filter((k) => before.has(k)).length;
    const newcomers = after.filter((k) => !before.has(k));
    expect(newcomers.every((k) => Number(k.slice(1)) >= 4000)).toBe(true);
    expect(kept + newcomers.length).toBe(200);
  });

  it('keeps everything from a short stream, builds only what it keeps and counts what it saw', () => {
    let built = 0;
    const sample = new HashSample<number>(50);
    for (const [i, k] of keys.entries())
      sample.offer(k, () => {
        built += 1;
        return i;
      });
    expect(sample.seen).toBe(5000);
    expect(sample.take()).toHaveLength(50);
    // About limit × (1 + ln(n / limit)) builds for a uniform hash, far fewer than n.
    expect(built).toBeLessThan(1000);
    expect(sampleOf(keys.slice(0, 10), 50)).toHaveLength(10);
    expect(() => new HashSample(0)).toThrow(RangeError);
  });
});
