import { describe, expect, it } from 'vitest';
import {
  type AllocationProblem,
  AllocationProblemError,
  solveAllocation,
  validateProblem,
} from '../../../shared/domain/allocation/index';
import { makeProblem } from './fixtures';

function valid(): AllocationProblem {
  return makeProblem(
    [
      [
        { value: 5, cost: 1, channel: 0, offer: 0 },
        { value: -2, cost: 0, channel: 1, offer: 1 },
      ],
      [{ value: 3, cost: 2, channel: 1, offer: 0 }],
    ],
    10,
    [1, Number.POSITIVE_INFINITY],
    [Number.POSITIVE_INFINITY, 2],
  );
}

function rejection(change: (problem: AllocationProblem) => void): string {
  const problem = valid();
  change(problem);
  try {
    validateProblem(problem);
  } catch (error) {
    expect(error).toBeInstanceOf(AllocationProblemError);
    expect((error as Error).name).toBe('AllocationProblemError');
    return (error as Error).message;
  }
  throw new Error('validateProblem accepted an inconsistent problem');
}

describe('validateProblem', () => {
  it('accepts a consistent problem', () => {
    expect(() => validateProblem(valid())).not.toThrow();
  });

  it.each([
    ['value length', (p: AllocationProblem) => (p.value = new Float64Array(2)), /value has length 2/],
    ['cost length', (p: AllocationProblem) => (p.cost = new Float64Array(4)), /cost has length 4/],
    ['channel length', (p: AllocationProblem) => (p.channel = new Int32Array(1)), /channel has length 1/],
    ['offer length', (p: AllocationProblem) => (p.offer = new Int32Array(0)), /offer has length 0/],
    [
      'optionStart length',
      (p: AllocationProblem) => (p.optionStart = new Int32Array([0, 2])),
      /optionStart has length 2/,
    ],
    [
      'decreasing optionStart',
      (p: AllocationProblem) => (p.optionStart = new Int32Array([0, 3, 2])),
      /optionStart\[2\] = 2 is below optionStart\[1\] = 3/,
    ],
    ['negative cost', (p: AllocationProblem) => (p.cost[1] = -1), /cost\[1\] is -1/],
    [
      'infinite cost',
      (p: AllocationProblem) => (p.cost[0] = Number.POSITIVE_INFINITY),
      /cost\[0\] is Infinity/,
    ],
    ['NaN value', (p: AllocationProblem) => (p.value[2] = Number.NaN), /value\[2\] is NaN/],
    [
      'channel out of range',
      (p: AllocationProblem) => (p.channel[2] = 2),
      /channel\[2\] is 2; it must be in \[0, 2\)/,
    ],
    ['negative channel', (p: AllocationProblem) => (p.channel[0] = -1), /channel\[0\] is -1/],
    ['offer out of range', (p: AllocationProblem) => (p.offer[1] = 5), /offer\[1\] is 5/],
    ['negative budget', (p: AllocationProblem) => (p.budget = -1), /budget is -1/],
    ['NaN budget', (p: AllocationProblem) => (p.budget = Number.NaN), /budget is NaN/],
    [
      'negative capacity',
      (p: AllocationProblem) => (p.channelCapacity[1] = -3),
      /channelCapacity\[1\] is -3/,
    ],
    [
      'NaN capacity',
      (p: AllocationProblem) => (p.offerCapacity[0] = Number.NaN),
      /offerCapacity\[0\] is NaN/,
    ],
    ['fractional customers', (p: AllocationProblem) => (p.customers = 1.5), /customers is 1.5/],
    [
      'wrong array type',
      (p: AllocationProblem) => (p.value = [5, -2, 3] as unknown as Float64Array),
      /value must be an Float64Array/,
    ],
  ])('rejects %s, naming it', (_name, change, message) => {
    expect(rejection(change)).toMatch(message);
  });

  it('is applied by solveAllocation before solving', () => {
    const problem = valid();
    problem.channel[0] = 9;
    expect(() => solveAllocation(problem)).toThrow(AllocationProblemError);
  });
});
