import { describe, expect, it } from 'vitest';
import { applyScaler, fitScaler } from '../../../shared/domain/scoring/scaler';

describe('fitScaler / applyScaler', () => {
  // Three rows × two features: feature 0 = 1, 2, 3; feature 1 = 10, 10, 10 (constant).
  const features = Float32Array.from([1, 10, 2, 10, 3, 10]);

  it('fits per-feature means and population standard deviations', () => {
    const scaler = fitScaler(features, 2);
    expect(scaler.means).toEqual([2, 10]);
    // Population std of 1, 2, 3 = sqrt(2/3).
    expect(scaler.stds[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('maps a constant feature to 0 instead of NaN', () => {
    const scaler = fitScaler(features, 2);
    expect(scaler.stds[1]).toBe(1);
    const scaled = applyScaler(scaler, features, 3);
    expect(Array.from(scaled.filter((_, i) => i % 2 === 1))).toEqual([0, 0, 0]);
    expect(scaled[0]).toBeCloseTo(-1 / Math.sqrt(2 / 3), 6);
    expect(scaled[4]).toBeCloseTo(1 / Math.sqrt(2 / 3), 6);
  });

  it('fits on the chosen rows only', () => {
    const scaler = fitScaler(features, 2, [0, 2]);
    expect(scaler.means).toEqual([2, 10]);
    expect(scaler.stds[0]).toBeCloseTo(1, 12);
  });

  it('keeps precision for large values with a small spread', () => {
    // In float32 accumulation these would lose the spread entirely.
    const big = Float32Array.from([1_000_000, 1_000_002, 1_000_004, 1_000_006]);
    const scaler = fitScaler(big, 1);
    expect(scaler.means[0]).toBeCloseTo(1_000_003, 6);
    expect(scaler.stds[0]).toBeCloseTo(Math.sqrt(5), 6);
  });

  it('leaves its input untouched', () => {
    const copy = Float32Array.from(features);
    applyScaler(fitScaler(features, 2), features, 3);
    expect(features).toEqual(copy);
  });

  it('refuses to fit on no rows', () => {
    expect(() => fitScaler(features, 2, [])).toThrow(/zero rows/);
  });
});
