import { createHash } from 'node:crypto';
import { DomainError } from '../errors';

/**
 * `action`, `action_propensity` and `reward` are the names bandit and off-policy tools look for,
 * so the log can be fed to them as it stands once the rewards are filled in.
 */
export const DECISION_LOG_COLUMNS = [
  'customer_id',
  'decision',
  'action',
  'action_propensity',
  'reward',
  'expected_value',
  'expected_cost',
  'runner_up',
  'runner_up_value',
  'shadow_price',
  'reduced_value',
  'model_version',
  'inputs_hash',
  'seed',
  'run_id',
] as const;

export interface Decision {
  customerId: string;
  decision: 'target' | 'none' | 'holdout';
  action: string; // '' when none / holdout
  actionPropensity: number; // probability the engine's (deterministic, holdout-randomized) policy took this action for this customer: 1 − holdoutFraction for a planned action or for 'none', holdoutFraction for 'holdout'
  expectedValue: number | null;
  expectedCost: number | null;
  runnerUp: string;
  runnerUpValue: number | null;
  shadowPrice: number; // the budget's price per unit of spend that the chosen action beat
  reducedValue: number | null; // value − shadowPrice·cost (− channel/offer prices) of the chosen action
  modelVersion: string;
  inputsHash: string;
  seed: number;
  runId: string;
}

const DECISIONS: readonly Decision['decision'][] = ['target', 'none', 'holdout'];

/** Reward column left empty: it is filled when responses come back, which makes the log a bandit/OPE dataset (action, propensity, reward). */
export function decisionLogRow(d: Decision): (string | number)[] {
  const num = (field: string, value: number): number => {
    // String(NaN) would write a cell no tool reads as a number; a non-finite figure here is a bug upstream.
    if (!Number.isFinite(value)) {
      throw new DomainError(`decision log: ${field} of customer ${d.customerId} is ${value}`);
    }
    // Numbers stay numbers: String() on a number ignores the locale ('.' decimal, no grouping), and a
    // CSV writer that guards against spreadsheet formulas would prefix a negative string with a quote.
    return value === 0 ? 0 : value;
  };
  const optional = (field: string, value: number | null): number | '' =>
    value === null ? '' : num(field, value);
  return [
    d.customerId,
    d.decision,
    d.action,
    num('action_propensity', d.actionPropensity),
    '',
    optional('expected_value', d.expectedValue),
    optional('expected_cost', d.expectedCost),
    d.runnerUp,
    optional('runner_up_value', d.runnerUpValue),
    num('shadow_price', d.shadowPrice),
    optional('reduced_value', d.reducedValue),
    d.modelVersion,
    d.inputsHash,
    num('seed', d.seed),
    d.runId,
  ];
}

/** sha256 (hex, first 16 chars) over the customer's model inputs in a canonical order, so a replay can prove it saw the same inputs. */
export function inputsHash(values: readonly (string | number)[]): string {
  // Strings are JSON-quoted and numbers tagged, so no two different lists share an encoding:
  // '1' differs from 1, and a comma inside a string cannot fake a boundary between values.
  // String() of a number is its shortest round-trip form, the same on every platform.
  const canonical = values
    .map((v) => (typeof v === 'string' ? JSON.stringify(v) : `n${v === 0 ? 0 : String(v)}`))
    .join(',');
  return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 16);
}

/** Parses a decision-log row back (for replay checks and downstream tools). */
export function parseDecisionLogRow(row: Record<string, string>): Decision {
  const text = (column: (typeof DECISION_LOG_COLUMNS)[number]): string => {
    const value = row[column];
    if (value === undefined) throw new DomainError(`decision log: column ${column} is missing`);
    return unguard(value);
  };
  const optional = (column: (typeof DECISION_LOG_COLUMNS)[number]): number | null => {
    const value = text(column).trim();
    if (value === '') return null;
    const parsed = Number(value);
    if (!Number.isFinite(parsed))
      throw new DomainError(`decision log: ${column} is not a number: '${value}'`);
    return parsed;
  };
  const required = (column: (typeof DECISION_LOG_COLUMNS)[number]): number => {
    const parsed = optional(column);
    if (parsed === null) throw new DomainError(`decision log: ${column} is empty`);
    return parsed;
  };

  const decision = text('decision');
  if (!(DECISIONS as readonly string[]).includes(decision)) {
    throw new DomainError(`decision log: unknown decision '${decision}'`);
  }
  return {
    customerId: text('customer_id'),
    decision: decision as Decision['decision'],
    action: text('action'),
    actionPropensity: required('action_propensity'),
    expectedValue: optional('expected_value'),
    expectedCost: optional('expected_cost'),
    runnerUp: text('runner_up'),
    runnerUpValue: optional('runner_up_value'),
    shadowPrice: required('shadow_price'),
    reducedValue: optional('reduced_value'),
    modelVersion: text('model_version'),
    inputsHash: text('inputs_hash'),
    seed: required('seed'),
    runId: text('run_id'),
  };
}

/**
 * The engine's CSV writer prefixes a cell that starts like a spreadsheet formula with a quote;
 * taking it off here lets an id such as '-17' or '+44…' survive the round trip.
 */
function unguard(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}
