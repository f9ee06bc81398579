import { describe, expect, it } from 'vitest';
import { modelTruthMetrics } from '#shared/domain/scorecard/model-truth-metrics';
import { randomWorld } from './world-fixture';

describe('modelTruthMetrics', () => {
  const world = randomWorld(4000, 5, 100);

  it('gives a perfect model a Qini of 1 and no calibration error', () => {
    const m = modelTruthMetrics(world, { pControl: world.pControl, pTreated: world.pTreated });
    expect(m.qini).toBeCloseTo(1, 9);
    expect(m.calibrationError).toBeCloseTo(0, 12);
    expect(m.scoredActions).toBe(world.pTreated.length);
    expect(m.meanEstimatedUplift).toBeCloseTo(m.meanTrueUplift, 12);
    const last = m.qiniCurve.model.at(-1);
    expect(last?.share).toBe(1);
  });

  it('scores a model that ranks backwards below random, and a blurred one in between', () => {
    const backwards = modelTruthMetrics(world, {
      pControl: world.pControl,
      pTreated: world.pTreated.map((p, a) => 2 * (world.pControl[customerOf(a)] ?? 0) - p),
    });
    expect(backwards.qini ?? 0).toBeLessThan(0);
    const blurred = modelTruthMetrics(world, {
      pControl: world.pControl,
      pTreated: world.pTreated.map((p, a) => Math.min(1, Math.max(0, p + 0.08 * Math.sin(a * 12.9898)))),
    });
    expect(blurred.qini ?? 0).toBeGreaterThan(0);
    expect(blurred.qini ?? 1).toBeLessThan(1);
    expect(blurred.calibrationError ?? 0).toBeGreaterThan(0);
  });

  it('measures calibration per bin: an estimate twice the truth shows in every bin', () => {
    const m = modelTruthMetrics(world, {
      pControl: world.pControl,
      pTreated: world.pTreated.map((p) => Math.min(1, 2 * p)),
    });
    for (const bin of m.calibration.filter((b) => b.to <= 0.5)) {
      expect(bin.meanEstimate).toBeCloseTo(2 * bin.meanTruth, 9);
    }
  });

  it('counts actions without an estimate and leaves them out', () => {
    const pTreated = Float64Array.from(world.pTreated, (p, a) => (a % 2 === 0 ? p : Number.NaN));
    const m = modelTruthMetrics(world, { pControl: world.pControl, pTreated });
    expect(m.scoredActions).toBe(Math.ceil(world.pTreated.length / 2));
    expect(m.calibrationError).toBeCloseTo(0, 12);
  });

  function customerOf(action: number): number {
    let i = 0;
    while ((world.actionStart[i + 1] as number) <= action) i++;
    return i;
  }
});
