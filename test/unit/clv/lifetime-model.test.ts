import { describe, expect, it } from 'vitest';
import { bgNbdLogLikelihood } from '#shared/domain/clv/bg-nbd';
import { ClvError } from '#shared/domain/clv/errors';
import {
  heldOutLogLikelihood,
  lifetimeArtifacts,
  lifetimeModel,
  loadLifetimeModel,
} from '#shared/domain/clv/lifetime-model';

// The CDNOW calibration fit (Fader, Hardie & Lee 2005) and its Gamma-Gamma.
const CDNOW = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const SPEND = { p: 6.25, q: 3.74, v: 15.45 };
const HISTORIES = [
  { frequency: 2, recency: 30.43, T: 38.86 },
  { frequency: 0, recency: 0, T: 38.86 },
  { frequency: 6, recency: 26.29, T: 38.29 },
];

describe('the lifetime model in the registry', () => {
  it('round-trips its parameters through the artifacts, with or without Gamma-Gamma', async () => {
    const both = await loadLifetimeModel(lifetimeArtifacts(lifetimeModel(CDNOW, SPEND)));
    expect(both.purchases).toEqual(CDNOW);
    expect(both.spend).toEqual(SPEND);
    const purchasesOnly = await loadLifetimeModel(lifetimeArtifacts(lifetimeModel(CDNOW, undefined)));
    expect(purchasesOnly.spend).toBeUndefined();
    expect(lifetimeArtifacts(both).weights.byteLength).toBe(0);
  });

  it('refuses artifacts that are not a lifetime model, naming what it expected', async () => {
    const good = lifetimeArtifacts(lifetimeModel(CDNOW, SPEND));
    await expect(loadLifetimeModel({ ...good, modelJson: '{' })).rejects.toBeInstanceOf(ClvError);
    const negative = JSON.stringify({ ...JSON.parse(good.modelJson), purchases: { ...CDNOW, r: -1 } });
    await expect(loadLifetimeModel({ ...good, modelJson: negative })).rejects.toThrow(
      /not a campaign-optimizer\/lifetime-model version 1/,
    );
  });

  it('is compared on the mean BG/NBD log-likelihood of held-out histories', () => {
    const model = lifetimeModel(CDNOW, undefined);
    expect(heldOutLogLikelihood(model, HISTORIES)).toBeCloseTo(bgNbdLogLikelihood(CDNOW, HISTORIES) / 3, 12);
    // A worse fit of the same customers scores lower.
    const worse = lifetimeModel({ ...CDNOW, r: 2.5 }, undefined);
    expect(heldOutLogLikelihood(worse, HISTORIES)).toBeLessThan(heldOutLogLikelihood(model, HISTORIES) ?? 0);
    expect(heldOutLogLikelihood(model, [])).toBeNull();
  });
});
