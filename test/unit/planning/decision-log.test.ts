import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { csvLine } from '#shared/demo/csv-writer';
import {
  DECISION_LOG_COLUMNS,
  type Decision,
  decisionLogRow,
  inputsHash,
  parseDecisionLogRow,
} from '#shared/domain/planning/decision-log';
import { neutraliseFormula } from '#shared/use-cases/csv-objects';

const target: Decision = {
  customerId: 'C-0042',
  decision: 'target',
  action: 'O-PCT|email|10',
  actionPropensity: 0.9,
  expectedValue: 1 / 3,
  expectedCost: 1234567.5,
  runnerUp: 'O-PCT|sms|5',
  runnerUpValue: -0.25,
  shadowPrice: 0.0123,
  reducedValue: 1e-7,
  modelVersion: 'response-2026-05-01T10:00:00Z',
  inputsHash: inputsHash(['C-0042', 0.5, 12, 'gold']),
  seed: 20261122,
  runId: 'run-7',
};

const holdout: Decision = {
  ...target,
  customerId: '-17',
  decision: 'holdout',
  action: '',
  actionPropensity: 0.1,
  expectedValue: null,
  expectedCost: null,
  runnerUp: '',
  runnerUpValue: null,
  reducedValue: null,
};

/** The record a CSV reader hands back for a row, every cell a string as in the file. */
const asRecord = (cells: readonly (string | number)[]): Record<string, string> =>
  Object.fromEntries(DECISION_LOG_COLUMNS.map((column, i) => [column, String(cells[i])]));

describe('decision log rows', () => {
  it('has the columns bandit and off-policy tools read', () => {
    expect(DECISION_LOG_COLUMNS).toEqual(expect.arrayContaining(['action', 'action_propensity', 'reward']));
    expect(new Set(DECISION_LOG_COLUMNS).size).toBe(DECISION_LOG_COLUMNS.length);
    expect(decisionLogRow(target)).toHaveLength(DECISION_LOG_COLUMNS.length);
  });

  it('leaves the reward empty until responses come back', () => {
    const row = decisionLogRow(target);
    expect(row[DECISION_LOG_COLUMNS.indexOf('reward')]).toBe('');
    expect(row[DECISION_LOG_COLUMNS.indexOf('action')]).toBe('O-PCT|email|10');
    expect(row[DECISION_LOG_COLUMNS.indexOf('action_propensity')]).toBe(0.9);
  });

  it.each([
    ['a targeted customer', target],
    ['a held-out customer with empty figures', holdout],
  ])('round-trips %s', (_name, decision) => {
    expect(parseDecisionLogRow(asRecord(decisionLogRow(decision)))).toEqual(decision);
  });

  it('round-trips through the formula guard of the engine’s CSV writer', () => {
    const guarded = decisionLogRow(holdout).map((cell) =>
      typeof cell === 'string' ? neutraliseFormula(cell) : cell,
    );
    expect(guarded[0]).toBe("'-17");
    expect(parseDecisionLogRow(asRecord(guarded))).toEqual(holdout);
  });

  it('writes numbers without locale grouping or decimal commas', () => {
    const line = csvLine(decisionLogRow(target));
    expect(line).toContain(',1234567.5,');
    expect(line).toContain(',-0.25,');
    expect(line).toContain(',1e-7,');
    expect(line).toContain(',0.3333333333333333,');
    expect(line.split(',')).toHaveLength(DECISION_LOG_COLUMNS.length);
    expect(
      decisionLogRow({ ...target, reducedValue: -0 })[DECISION_LOG_COLUMNS.indexOf('reduced_value')],
    ).toBe(0);
  });

  it('refuses a non-finite figure rather than writing NaN', () => {
    expect(() => decisionLogRow({ ...target, expectedValue: Number.NaN })).toThrow(
      /expected_value of customer C-0042/,
    );
    expect(() => decisionLogRow({ ...target, shadowPrice: Number.POSITIVE_INFINITY })).toThrow(
      /shadow_price/,
    );
  });

  it('rejects rows it cannot read back', () => {
    const record = asRecord(decisionLogRow(target));
    expect(() => parseDecisionLogRow({ ...record, decision: 'maybe' })).toThrow(/unknown decision/);
    expect(() => parseDecisionLogRow({ ...record, shadow_price: '' })).toThrow(/shadow_price is empty/);
    expect(() => parseDecisionLogRow({ ...record, expected_cost: '1,5' })).toThrow(/not a number/);
    const { seed: _seed, ...withoutSeed } = record;
    expect(() => parseDecisionLogRow(withoutSeed)).toThrow(/seed is missing/);
  });

  it('ignores a reward filled in later', () => {
    const record = { ...asRecord(decisionLogRow(target)), reward: '17.5' };
    expect(parseDecisionLogRow(record)).toEqual(target);
  });
});

describe('inputsHash', () => {
  const inputs = ['C-0042', 0.5, 12, 'gold'] as const;

  it('is 16 hex characters of the sha256 of the canonical encoding', () => {
    const expected = createHash('sha256').update('"C-0042",n0.5,n12,"gold"').digest('hex').slice(0, 16);
    expect(inputsHash(inputs)).toBe(expected);
    expect(inputsHash(inputs)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is stable across calls and copies of the inputs', () => {
    expect(inputsHash([...inputs])).toBe(inputsHash(inputs));
    expect(inputsHash([0.1 + 0.2])).toBe(inputsHash([0.30000000000000004]));
    expect(inputsHash([-0])).toBe(inputsHash([0]));
  });

  it('changes with any single input', () => {
    const base = inputsHash(inputs);
    for (let i = 0; i < inputs.length; i++) {
      const changed: (string | number)[] = [...inputs];
      changed[i] = typeof inputs[i] === 'number' ? (inputs[i] as number) + 1e-12 : `${inputs[i]}x`;
      expect(inputsHash(changed)).not.toBe(base);
    }
    expect(inputsHash([...inputs, 0])).not.toBe(base);
  });

  it('changes with the order of the inputs', () => {
    expect(inputsHash(['C-0042', 12, 0.5, 'gold'])).not.toBe(inputsHash(inputs));
  });

  it('keeps strings, numbers and separators apart', () => {
    expect(inputsHash(['1'])).not.toBe(inputsHash([1]));
    expect(inputsHash(['a,b'])).not.toBe(inputsHash(['a', 'b']));
    expect(inputsHash(['a",n1,"b'])).not.toBe(inputsHash(['a', 1, 'b']));
    expect(inputsHash([Number.NaN])).not.toBe(inputsHash(['NaN']));
    expect(inputsHash([])).not.toBe(inputsHash(['']));
  });
});
