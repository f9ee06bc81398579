import { describe, expect, it } from 'vitest';
import { stableHoldout, unitHash } from '#shared/domain/registry/holdout';

const keys = (n: number, prefix = 'K') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('stableHoldout', () => {
  it('holds out about the given share of every arm', () => {
    const n = 30_000;
    const arm = Int32Array.from({ length: n }, (_, i) => i % 3);
    const { train, holdout } = stableHoldout(keys(n), arm, 2, 0.2);
    expect(train.length + holdout.length).toBe(n);
    expect(new Set([...train, ...holdout]).size).toBe(n);
    for (let a = 0; a <= 2; a++) {
      const held = holdout.filter((row) => arm[row] === a).length;
      expect(held / (n / 3)).toBeCloseTo(0.2, 1);
    }
  });

  it('holds a contact out or not by its key alone, whatever other rows the history has', () => {
    const old = keys(2000);
    const grown = [...keys(500, 'NEW'), ...old.slice(300)];
    const heldOld = new Set(
      [...stableHoldout(old, new Int32Array(old.length), 0, 0.2).holdout].map((r) => old[r]),
    );
    const heldGrown = new Set(
      [...stableHoldout(grown, new Int32Array(grown.length), 0, 0.2).holdout].map((r) => grown[r]),
    );
    for (const key of old.slice(300)) expect(heldGrown.has(key)).toBe(heldOld.has(key));
  });

  it('keeps one training row in an arm that would otherwise be all held out', () => {
    // Keys hashing below the share, found by search so that the arm is entirely held out.
    const low = keys(5000, 'x')
      .filter((k) => unitHash(k) < 0.2)
      .slice(0, 3);
    const all = [...keys(50), ...low];
    const arm = Int32Array.from(all, (_, i) => (i < 50 ? 0 : 1));
    const { train, holdout } = stableHoldout(all, arm, 1, 0.2);
    expect([...train].filter((row) => arm[row] === 1)).toEqual([50]);
    expect([...holdout].filter((row) => arm[row] === 1)).toEqual([51, 52]);
  });

  it('holds nothing out at a zero share, and refuses a share outside [0, 1)', () => {
    expect(stableHoldout(keys(10), new Int32Array(10), 0, 0).holdout).toHaveLength(0);
    expect(() => stableHoldout(keys(10), new Int32Array(10), 0, 1)).toThrow(RangeError);
  });
});
