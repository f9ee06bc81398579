import { describe, expect, it } from 'vitest';
import { type UpliftPredictor, upliftImportance } from '#shared/domain/scoring/uplift-importance';

/** One arm whose uplift is 0.1 × column 0 and ignores column 1; the control depends on column 1 only. */
const model: UpliftPredictor = {
  arms: 1,
  predict(features, rows) {
    const out = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const x0 = features[r * 3] as number;
      const x1 = features[r * 3 + 1] as number;
      out[r * 2] = 0.2 + 0.05 * x1;
      out[r * 2 + 1] = 0.2 + 0.05 * x1 + 0.1 * x0;
    }
    return out;
  },
};

function rowsOf(n: number): Float32Array {
  const f = new Float32Array(n * 3);
  for (let r = 0; r < n; r++) {
    f[r * 3] = r % 2;
    f[r * 3 + 1] = (r * 7) % 5;
    f[r * 3 + 2] = 0.15; // the level input, not named
  }
  return f;
}

describe('upliftImportance', () => {
  it('ranks the feature that drives uplift first and gives a feature that moves only the baseline ~0', () => {
    const ranked = upliftImportance(model, rowsOf(400), 400, 3, ['drives_uplift', 'baseline_only'], 7);
    expect(ranked.map((r) => r.feature)).toEqual(['drives_uplift', 'baseline_only']);
    // Shuffling a 0/1 column changes about half the rows by 0.1.
    expect(ranked[0]?.importance).toBeGreaterThan(0.03);
    expect(ranked[0]?.importance).toBeLessThan(0.07);
    expect(ranked[1]?.importance).toBeLessThan(1e-6);
  });

  it('is the same for the same seed and leaves the input untouched', () => {
    const f = rowsOf(100);
    const copy = new Float32Array(f);
    expect(upliftImportance(model, f, 100, 3, ['a', 'b'], 1)).toEqual(
      upliftImportance(model, f, 100, 3, ['a', 'b'], 1),
    );
    expect(f).toEqual(copy);
  });

  it('shuffles columns that share a name together and reports them once', () => {
    // Uplift 0.05 × (x0 + x1): two copies of one signal, as a feature and an input derived from it.
    const twin: UpliftPredictor = {
      arms: 1,
      predict(features, rows) {
        const out = new Float32Array(rows * 2);
        for (let r = 0; r < rows; r++) {
          out[r * 2] = 0.2;
          out[r * 2 + 1] = 0.2 + 0.05 * ((features[r * 3] as number) + (features[r * 3 + 1] as number));
        }
        return out;
      },
    };
    const f = new Float32Array(400 * 3);
    for (let r = 0; r < 400; r++) {
      f[r * 3] = r % 2;
      f[r * 3 + 1] = r % 2;
    }
    const apart = upliftImportance(twin, f, 400, 3, ['recency', 'recency_step'], 7);
    const together = upliftImportance(twin, f, 400, 3, ['recency', 'recency'], 7);
    expect(together.map((r) => r.feature)).toEqual(['recency']);
    // Together a shuffle moves about half the rows by 0.1; apart, each moves them by only 0.05.
    expect(together[0]?.importance).toBeGreaterThan(0.03);
    for (const r of apart) expect(r.importance).toBeLessThan((together[0]?.importance ?? 0) * 0.75);
    expect(f[1]).toBe(f[0]);
  });

  it('has nothing to say about fewer than two rows', () => {
    expect(upliftImportance(model, rowsOf(1), 1, 3, ['a', 'b'], 1)).toEqual([]);
  });
});
