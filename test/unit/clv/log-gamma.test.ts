import { describe, expect, it } from 'vitest';
import { logGamma } from '#shared/domain/clv/log-gamma';

describe('logGamma', () => {
  it('is ln((n - 1)!) at whole numbers', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      expect(logGamma(n)).toBeCloseTo(logFactorial, 9);
      logFactorial += Math.log(n);
    }
  });

  it('matches Γ(1/2) = √π and Γ(3/2) = √π / 2', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(1.5)).toBeCloseTo(0.5 * Math.log(Math.PI) - Math.log(2), 13);
  });

  it('follows −ln x − γx near zero, where the reflection formula takes over', () => {
    const eulerGamma = 0.5772156649015329;
    expect(logGamma(1e-8)).toBeCloseTo(-Math.log(1e-8) - eulerGamma * 1e-8, 12);
    // Γ(0.001) = 999.4237724845955
    expect(logGamma(0.001)).toBeCloseTo(Math.log(999.4237724845955), 12);
  });

  it('matches Stirling’s series for large arguments, where Γ itself overflows', () => {
    const x = 1e6;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
    expect(logGamma(x) / stirling).toBeCloseTo(1, 13);
  });

  it('is NaN outside the positive reals', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
    expect(logGamma(Number.NaN)).toBeNaN();
  });
});
