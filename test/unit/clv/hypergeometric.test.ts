import { describe, expect, it } from 'vitest';
import { ClvError } from '#shared/domain/clv/errors';
import { HypergeometricConvergenceError, logHypergeometric2F1 } from '#shared/domain/clv/hypergeometric';

const f = (a: number, b: number, c: number, z: number) => Math.exp(logHypergeometric2F1(a, b, c, z));

describe('logHypergeometric2F1', () => {
  it('is 1 at z = 0', () => {
    expect(logHypergeometric2F1(2.5, 3.5, 1.2, 0)).toBe(0);
  });

  it('matches 2F1(1, 1; 2; z) = −ln(1 − z) / z, also close to z = 1', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(f(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 11);
    }
  });

  it('matches 2F1(a, b; b; z) = (1 − z)^−a', () => {
    expect(f(0.2426, 2.4258, 2.4258, 0.47)).toBeCloseTo((1 - 0.47) ** -0.2426, 12);
    expect(f(3.7, 1.3, 1.3, 0.8)).toBeCloseTo(0.2 ** -3.7, 9);
  });

  it('matches 2F1(1/2, 1/2; 3/2; z²) = arcsin(z) / z', () => {
    for (const z of [0.3, 0.7, 0.95]) {
      expect(f(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 11);
    }
  });

  it('stays finite in log space where the value overflows a double', () => {
    // (1 − 0.5)^−2000 = 2^2000
    expect(logHypergeometric2F1(2000, 7, 7, 0.5)).toBeCloseTo(2000 * Math.LN2, 8);
  });

  it('refuses arguments outside a, b, c > 0 and 0 <= z < 1', () => {
    expect(() => logHypergeometric2F1(1, 1, 2, 1)).toThrow(ClvError);
    expect(() => logHypergeometric2F1(1, 1, -0.5, 0.5)).toThrow(ClvError);
    expect(() => logHypergeometric2F1(-1, 1, 2, 0.5)).toThrow(ClvError);
  });

  it('says so when the series has not converged instead of returning a partial sum', () => {
    expect(() => logHypergeometric2F1(1, 1, 2, 1 - 1e-9)).toThrow(HypergeometricConvergenceError);
  });
});
