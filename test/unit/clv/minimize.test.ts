import { describe, expect, it } from 'vitest';
import { FitFailedError } from '#shared/domain/clv/errors';
import { minimize } from '#shared/domain/clv/minimize';

describe('minimize', () => {
  it('finds the minimum of the Rosenbrock valley', () => {
    const rosenbrock = ([x = 0, y = 0]: readonly number[]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const found = minimize(rosenbrock, [-1.2, 1]);
    expect(found.x[0]).toBeCloseTo(1, 5);
    expect(found.x[1]).toBeCloseTo(1, 5);
    expect(found.value).toBeLessThan(1e-10);
  });

  it('steps back from where the objective is not finite', () => {
    // ln is undefined below 0: the search must stay where it is defined, minimum at x = 1.
    const found = minimize(([x = 0]: readonly number[]) => x - Math.log(x), [3]);
    expect(found.x[0]).toBeCloseTo(1, 6);
  });

  it('throws a FitFailedError when the objective is not finite at the start', () => {
    expect(() => minimize(() => Number.NaN, [0, 0])).toThrow(FitFailedError);
  });
});
