import { describe, expect, it } from 'vitest';
import { cumulative, Random } from '../../../shared/demo/random';

const N = 20_000;

function stats(draw: () => number, n = N): { mean: number; sd: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt(squares / n - mean * mean) };
}

describe('Random', () => {
  it('repeats a stream for the same keys and gives other streams for other keys', () => {
    const draws = (...keys: (string | number)[]) => {
      const rng = Random.stream(...keys);
      return Array.from({ length: 8 }, () => rng.uniform());
    };
    expect(draws(42, 'history', 7)).toEqual(draws(42, 'history', 7));
    const others = [
      draws(43, 'history', 7),
      draws(42, 'history', 8),
      draws(42, 'traits', 7),
      draws(42 + 2 ** 32),
    ];
    for (const other of others) expect(other).not.toEqual(draws(42, 'history', 7));
  });

  it('draws uniforms in [0, 1) and integers that reach both bounds', () => {
    const rng = Random.stream(1, 'uniform');
    const u = Array.from({ length: N }, () => rng.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(stats(() => rng.uniform()).mean).toBeCloseTo(0.5, 1);
    const ints = new Set(Array.from({ length: 2000 }, () => rng.int(3, 7)));
    expect([...ints].sort()).toEqual([3, 4, 5, 6, 7]);
    const hits = Array.from({ length: N }, () => rng.chance(0.3)).filter(Boolean).length;
    expect(hits / N).toBeCloseTo(0.3, 1);
  });

  it('matches the moments of the normal, log-normal, exponential and Poisson distributions', () => {
    const rng = Random.stream(2, 'moments');
    const normal = stats(() => rng.normal(5, 2));
    expect(normal.mean).toBeCloseTo(5, 1);
    expect(normal.sd).toBeCloseTo(2, 1);
    // lognormal is parameterised by its mean, not by the mean of its log
    expect(stats(() => rng.lognormal(1.5, 0.6)).mean).toBeCloseTo(1.5, 1);
    expect(stats(() => rng.exponential(3)).mean).toBeCloseTo(3, 0);
    const small = stats(() => rng.poisson(2.5));
    expect(small.mean).toBeCloseTo(2.5, 1);
    expect(small.sd ** 2).toBeCloseTo(2.5, 0);
    expect(stats(() => rng.poisson(50)).mean).toBeCloseTo(50, 0);
    expect(rng.poisson(0)).toBe(0);
  });

  it('chooses weighted indices in proportion to the weights, by scan and by cumulative search', () => {
    const weights = [1, 0, 3, 6];
    const rng = Random.stream(3, 'weights');
    const cum = cumulative(weights);
    const byScan = [0, 0, 0, 0];
    const bySearch = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) {
      const a = rng.weighted(weights);
      const b = rng.fromCumulative(cum);
      byScan[a] = (byScan[a] ?? 0) + 1;
      bySearch[b] = (bySearch[b] ?? 0) + 1;
    }
    for (const counts of [byScan, bySearch]) {
      expect(counts[1]).toBe(0);
      counts.forEach((c, i) => {
        expect(c / N).toBeCloseTo((weights[i] ?? 0) / 10, 1);
      });
    }
  });

  it('shuffles into a permutation and refuses to pick from nothing', () => {
    const rng = Random.stream(4, 'shuffle');
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = rng.shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(items).toContain(rng.pick(items));
    expect(() => rng.pick([])).toThrow();
  });
});
