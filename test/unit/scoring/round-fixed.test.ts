import { describe, expect, it } from 'vitest';
import { Random } from '#shared/demo/random';
import { formatFixed, roundFixed } from '#shared/domain/rounding';

/** What the score files held before roundFixed: the reference it must equal, -0 included. */
const reference = (x: number, digits: number): number => Number(x.toFixed(digits));

const EDGES = [
  0,
  1,
  1e-7,
  5e-7,
  4.9999999e-7,
  0.0000005,
  0.5000005,
  0.9999995,
  0.99999949,
  2.675,
  1.005,
  0.125,
  1 / 128,
  3 / 128,
  123456.785,
  Math.fround(0.1),
  Math.fround(0.5000005),
  2 ** 31,
  1e9,
  1e21,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];

describe('roundFixed', () => {
  it('equals Number(x.toFixed(digits)) on edge values, negated ones and ties', () => {
    for (const x of EDGES)
      for (let digits = 0; digits <= 12; digits++) {
        expect(Object.is(roundFixed(x, digits), reference(x, digits)), `${x} to ${digits}`).toBe(true);
        expect(Object.is(roundFixed(-x, digits), reference(-x, digits)), `${-x} to ${digits}`).toBe(true);
      }
  });

  it('equals Number(x.toFixed(digits)) on float32 probabilities, doubles and decimal ties', () => {
    const random = Random.uniformSource('round-fixed', 11);
    const f32 = new Float32Array(1);
    for (let i = 0; i < 200_000; i++) {
      const digits = [2, 4, 6][i % 3] as number;
      f32[0] = random();
      const values = [
        f32[0] as number,
        random() * 10 ** Math.floor(random() * 8),
        -random() * 1000,
        (Math.floor(random() * 1e5) + 0.5) / 10 ** digits,
        (2 * Math.floor(random() * 1e5) + 1) / 2 ** (7 + Math.floor(random() * 4)),
      ];
      for (const x of values) {
        if (!Object.is(roundFixed(x, digits), reference(x, digits)))
          expect.fail(`${x} to ${digits}: ${roundFixed(x, digits)} vs ${reference(x, digits)}`);
      }
    }
  });

  it('rejects digit counts as toFixed does', () => {
    expect(() => roundFixed(0.5, 101)).toThrow(RangeError);
  });
});

describe('formatFixed', () => {
  const same = (x: number, digits: number): boolean =>
    formatFixed(x, digits) === String(reference(x, digits));

  it('writes String(Number(x.toFixed(digits))) for edge values, negated ones and ties', () => {
    for (const x of [...EDGES, 10, 100.5, 1234.5678, 0.1, 0.01, 1e-6, 9.9999999e-7])
      for (let digits = 0; digits <= 12; digits++) {
        expect(formatFixed(x, digits), `${x} to ${digits}`).toBe(String(reference(x, digits)));
        expect(formatFixed(-x, digits), `${-x} to ${digits}`).toBe(String(reference(-x, digits)));
      }
  });

  it('writes String(Number(x.toFixed(digits))) for float32 probabilities and money', () => {
    const random = Random.uniformSource('format-fixed', 5);
    const f32 = new Float32Array(1);
    for (let i = 0; i < 200_000; i++) {
      const digits = [2, 4, 6][i % 3] as number;
      f32[0] = random();
      for (const x of [
        f32[0] as number,
        random() * 10 ** Math.floor(random() * 8),
        -random() * 1000,
        (Math.floor(random() * 1e5) + 0.5) / 10 ** digits,
      ]) {
        if (!same(x, digits)) expect.fail(`${x} to ${digits}: ${formatFixed(x, digits)}`);
      }
    }
  });
});
