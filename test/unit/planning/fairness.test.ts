import { describe, expect, it } from 'vitest';
import type { AllocationProblem } from '#shared/domain/allocation/index';
import { solveAllocation } from '#shared/domain/allocation/index';
import {
  ageBand,
  type FairnessSubject,
  fairnessReport,
  type ProtectedAttribute,
  solveWithParity,
} from '#shared/domain/planning/fairness';
import {
  expectFeasible,
  makeProblem,
  mulberry32,
  type OptionSpec,
  resultOfChoice,
} from '../allocation/fixtures';

function subject(
  attributes: Partial<Record<ProtectedAttribute, string>>,
  discountPct: number,
  expectedValue: number,
): FairnessSubject {
  return {
    attributes: { gender: '', age_band: '', region: '', ...attributes },
    targeted: discountPct > 0,
    discountPct,
    expectedValue,
  };
}

function offerRates(choice: Int32Array, groupOf: Int32Array, groups: number): number[] {
  const size = new Array<number>(groups).fill(0);
  const targeted = new Array<number>(groups).fill(0);
  groupOf.forEach((g, i) => {
    if (g < 0) return;
    size[g] = (size[g] as number) + 1;
    if (choice[i] !== -1) targeted[g] = (targeted[g] as number) + 1;
  });
  return targeted.map((t, g) => t / (size[g] as number));
}

/**
 * Group 1 is every third customer. When skewed, its options are worth a fraction of group 0's, so
 * a tight budget passes it over.
 */
function instance(seed: number, skewed = true): { problem: AllocationProblem; groupOf: Int32Array } {
  const rand = mulberry32(seed);
  const lists: OptionSpec[][] = [];
  const groupOf = new Int32Array(300);
  for (let i = 0; i < 300; i++) {
    const group = i % 3 === 0 ? 1 : 0;
    groupOf[i] = group;
    const count = 1 + Math.floor(rand() * 3);
    lists.push(
      Array.from({ length: count }, () => ({
        value: group === 1 && skewed ? 0.2 + rand() * 1.3 : 2 + rand() * 8,
        cost: 1 + Math.round(rand() * 40) / 10,
        channel: Math.floor(rand() * 2),
        offer: Math.floor(rand() * 3),
      })),
    );
  }
  // The last ten customers are held out: not subjects of parity, and with no options.
  for (let i = 290; i < 300; i++) {
    groupOf[i] = -1;
    lists[i] = [];
  }
  return { problem: makeProblem(lists, 250, [90, 80], [Number.POSITIVE_INFINITY, 60, 70]), groupOf };
}

describe('fairnessReport', () => {
  const subjects = [
    subject({ gender: 'f', region: 'north' }, 10, 4),
    subject({ gender: 'f', region: 'north' }, 20, 6),
    subject({ gender: 'f', region: 'south' }, 0, 0),
    subject({ gender: 'f', region: 'south' }, 0, 0),
    subject({ gender: 'm', region: 'north' }, 30, 3),
    subject({ gender: 'm', region: 'south' }, 0, 0),
    subject({ gender: '', region: 'north' }, 0, 0),
  ];

  it('gives offer rate, mean discount over the targeted, mean value per customer and DI per group', () => {
    const gender = fairnessReport(subjects).find((a) => a.attribute === 'gender');
    // f: 2 of 4 targeted, discounts 10 and 20, values 10 / 4; m: 1 of 2, 30, 3 / 2; unknown: 0 of 1.
    expect(gender?.groups).toEqual([
      {
        group: 'f',
        customers: 4,
        offerRate: 0.5,
        meanDiscountPct: 15,
        meanExpectedValue: 2.5,
        disparateImpact: 1,
      },
      {
        group: 'm',
        customers: 2,
        offerRate: 0.5,
        meanDiscountPct: 30,
        meanExpectedValue: 1.5,
        disparateImpact: 1,
      },
      {
        group: 'unknown',
        customers: 1,
        offerRate: 0,
        meanDiscountPct: 0,
        meanExpectedValue: 0,
        disparateImpact: 0,
      },
    ]);
    expect(gender?.minDisparateImpact).toBe(0);
    expect(gender?.passesFourFifths).toBe(false);
  });

  it('compares every group with the highest offer rate and flags the four-fifths rule', () => {
    const region = fairnessReport(subjects).find((a) => a.attribute === 'region');
    // north: 3 of 4 = 0.75; south: 0 of 3.
    expect(region?.groups.map((g) => [g.group, g.offerRate, g.disparateImpact])).toEqual([
      ['north', 0.75, 1],
      ['south', 0, 0],
    ]);
    const fair = fairnessReport([
      subject({ region: 'a' }, 5, 1),
      subject({ region: 'a' }, 5, 1),
      subject({ region: 'a' }, 5, 1),
      subject({ region: 'a' }, 5, 1),
      subject({ region: 'a' }, 0, 0),
      subject({ region: 'b' }, 5, 1),
      subject({ region: 'b' }, 5, 1),
      subject({ region: 'b' }, 5, 1),
      subject({ region: 'b' }, 5, 1),
      subject({ region: 'b' }, 0, 0),
      subject({ region: 'b' }, 0, 0),
    ]).find((a) => a.attribute === 'region');
    // a: 4/5 = 0.8, b: 4/6 = 2/3, DI of b = (2/3) / 0.8 = 5/6 >= 0.8.
    expect(fair?.minDisparateImpact).toBeCloseTo(5 / 6, 12);
    expect(fair?.passesFourFifths).toBe(true);
  });

  it('groups missing attributes as unknown and has no ratio when nobody is targeted', () => {
    const report = fairnessReport([subject({}, 0, 0), subject({ age_band: '  ' }, 0, 0)]);
    expect(report.map((a) => a.attribute)).toEqual(['gender', 'age_band', 'region']);
    for (const attribute of report) {
      expect(attribute.groups).toEqual([
        {
          group: 'unknown',
          customers: 2,
          offerRate: 0,
          meanDiscountPct: 0,
          meanExpectedValue: 0,
          disparateImpact: null,
        },
      ]);
      expect(attribute.minDisparateImpact).toBeNull();
      expect(attribute.passesFourFifths).toBeNull();
    }
    expect(fairnessReport([]).every((a) => a.groups.length === 0 && a.passesFourFifths === null)).toBe(true);
  });
});

describe('ageBand', () => {
  it('puts each boundary age in its band', () => {
    const cases: [number, string][] = [
      [17, 'unknown'],
      [18, '18-24'],
      [24, '18-24'],
      [25, '25-34'],
      [34, '25-34'],
      [35, '35-44'],
      [44, '35-44'],
      [45, '45-54'],
      [54, '45-54'],
      [55, '55-64'],
      [64, '55-64'],
      [65, '65+'],
      [120, '65+'],
      [121, 'unknown'],
    ];
    for (const [age, band] of cases) expect([age, ageBand(2026 - age, 2026)]).toEqual([age, band]);
  });

  it('is unknown without a birth year', () => {
    expect(ageBand(null, 2026)).toBe('unknown');
    expect(ageBand(Number.NaN, 2026)).toBe('unknown');
  });
});

describe('solveWithParity', () => {
  it('lifts an under-served group to the ratio within budget and capacities, at a cost', () => {
    const { problem, groupOf } = instance(11);
    const unconstrained = solveAllocation(problem);
    const before = offerRates(unconstrained.choice, groupOf, 2);
    expect(Math.min(...before) / Math.max(...before)).toBeLessThan(0.5);

    const parity = solveWithParity(problem, groupOf, 2, 0.8, unconstrained.value);
    expect(parity.achieved).toBe(true);
    const after = offerRates(parity.choice, groupOf, 2);
    const minDi = Math.min(...after) / Math.max(...after);
    expect(parity.minDisparateImpact).toBeCloseTo(minDi, 12);
    expect(minDi).toBeGreaterThanOrEqual(0.8);
    expectFeasible(problem, resultOfChoice(problem, parity.choice));
    expect(parity.value).toBeCloseTo(resultOfChoice(problem, parity.choice).value, 9);
    expect(parity.costOfParity).toBeGreaterThan(0);
    expect(parity.costOfParity).toBeCloseTo(unconstrained.value - parity.value, 9);
    expect(parity.value).toBeLessThanOrEqual(unconstrained.value);
    expect(parity.bonuses[0]).toBe(0);
    expect(parity.bonuses[1]).toBeGreaterThan(0);
    // Held-out customers are not targeted.
    for (let i = 290; i < 300; i++) expect(parity.choice[i]).toBe(-1);
  });

  it('costs nothing when the plan is already fair', () => {
    const { problem, groupOf } = instance(3, false);
    const unconstrained = solveAllocation(problem);
    const before = offerRates(unconstrained.choice, groupOf, 2);
    const ratio = Math.min(...before) / Math.max(...before);
    expect(ratio).toBeGreaterThan(0);
    const parity = solveWithParity(problem, groupOf, 2, ratio, unconstrained.value);
    expect(parity.achieved).toBe(true);
    expect(parity.bonuses).toEqual([0, 0]);
    expect(parity.costOfParity).toBe(0);
    expect(Array.from(parity.choice)).toEqual(Array.from(unconstrained.choice));
  });

  it('reports achieved=false, without throwing, when a group has no options', () => {
    const { problem: skewed, groupOf } = instance(5);
    const lists: OptionSpec[][] = [];
    for (let i = 0; i < skewed.customers; i++) {
      const options: OptionSpec[] = [];
      if (groupOf[i] !== 1) {
        for (let j = skewed.optionStart[i] as number; j < (skewed.optionStart[i + 1] as number); j++) {
          options.push({
            value: skewed.value[j] as number,
            cost: skewed.cost[j] as number,
            channel: skewed.channel[j] as number,
            offer: skewed.offer[j] as number,
          });
        }
      }
      lists.push(options);
    }
    const problem = makeProblem(lists, 250, [90, 80], [Number.POSITIVE_INFINITY, 60, 70]);
    const unconstrained = solveAllocation(problem);
    const parity = solveWithParity(problem, groupOf, 2, 0.8, unconstrained.value);
    expect(parity.achieved).toBe(false);
    expect(parity.minDisparateImpact).toBe(0);
    expect(parity.costOfParity).toBeGreaterThanOrEqual(0);
    expectFeasible(problem, resultOfChoice(problem, parity.choice));
  });

  it('refuses group indices out of range', () => {
    const { problem } = instance(1);
    expect(() => solveWithParity(problem, new Int32Array(problem.customers).fill(2), 2, 0.8, 0)).toThrow(
      RangeError,
    );
    expect(() => solveWithParity(problem, new Int32Array(3), 2, 0.8, 0)).toThrow(RangeError);
  });
});
