import { describe, expect, it } from 'vitest';
import { isHeldOut } from '#shared/domain/planning/holdout';

/** FNV-1a 32-bit, written independently with BigInt arithmetic. */
function fnv1aReference(text: string): number {
  let hash = 0x811c9dc5n;
  for (const ch of text) {
    hash ^= BigInt(ch.charCodeAt(0));
    hash = (hash * 0x01000193n) % 0x1_0000_0000n;
  }
  return Number(hash);
}

const ids = Array.from({ length: 100_000 }, (_, i) => `cust-${i}`);

describe('isHeldOut', () => {
  it('matches the reference FNV-1a vectors through its threshold', () => {
    // Known vectors of the reference: FNV-1a("") = 0x811c9dc5, FNV-1a("a") = 0xe40c292c.
    expect(fnv1aReference('')).toBe(0x811c9dc5);
    expect(fnv1aReference('a')).toBe(0xe40c292c);
    // A customer is held out exactly when hash("seed:id") / 2^32 < fraction.
    const share = fnv1aReference('42:cust-7') / 0x1_0000_0000;
    expect(isHeldOut('cust-7', 42, share)).toBe(false);
    expect(isHeldOut('cust-7', 42, share + 1e-9)).toBe(true);
  });

  it('is deterministic per seed and id, whatever the order of the calls', () => {
    const forward = ids.slice(0, 1000).map((id) => isHeldOut(id, 7, 0.3));
    const backward = ids
      .slice(0, 1000)
      .reverse()
      .map((id) => isHeldOut(id, 7, 0.3))
      .reverse();
    expect(backward).toEqual(forward);
  });

  it('holds out another set under another seed', () => {
    const a = ids.slice(0, 1000).filter((id) => isHeldOut(id, 1, 0.5));
    const b = ids.slice(0, 1000).filter((id) => isHeldOut(id, 2, 0.5));
    expect(a).not.toEqual(b);
  });

  it.each([0.05, 0.2, 0.5])('holds out about %s of 100k customers', (fraction) => {
    const share = ids.filter((id) => isHeldOut(id, 20261122, fraction)).length / ids.length;
    // The binomial standard deviation is at most 0.0016 here; allow 0.01 (6σ).
    expect(Math.abs(share - fraction)).toBeLessThan(0.01);
  });

  it('holds out nobody at 0 (or below) and everybody at 1', () => {
    expect(ids.some((id) => isHeldOut(id, 1, 0))).toBe(false);
    expect(ids.slice(0, 1000).some((id) => isHeldOut(id, 1, -0.1))).toBe(false);
    expect(ids.slice(0, 1000).every((id) => isHeldOut(id, 1, 1))).toBe(true);
  });

  it('keeps the held-out set nested as the fraction grows', () => {
    const small = ids.slice(0, 5000).filter((id) => isHeldOut(id, 3, 0.05));
    expect(small.every((id) => isHeldOut(id, 3, 0.1))).toBe(true);
  });
});
