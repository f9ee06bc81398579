import {
  channelExportCsv,
  channelExportKey,
  type ExportRecipient,
} from '../../domain/planning/channel-export';
import { DECISION_LOG_COLUMNS, decisionLogRow, inputsHash } from '../../domain/planning/decision-log';
import { reasonCodes } from '../../domain/planning/reasons';
import type { PlanSummary, S3Ref } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';
import { writeCsvObjects } from '../csv-objects';
import type { CustomerOutlook } from './customer-outlook';
import type { CustomerTerms, Driver } from './customer-terms';
import type { CustomerChoice } from './plan-choices';
import type { Candidate } from './plan-inputs';

/** The plan file: one row per customer, targeted, held out or left alone. */
export const PLAN_COLUMNS = [
  'customer_id',
  'decision',
  'offer_id',
  'channel_id',
  'discount_pct',
  'send_window',
  'p_treated',
  'p_control',
  'expected_profit',
  'expected_cost',
  'segment',
  'runner_up',
  'reasons',
  // What the churn and value models expect without contact: context for the marketer, and for
  // whoever compares this plan with a retention rule afterwards.
  'churn_probability',
  'value_180d',
] as const;

const outlookCells = (o: CustomerOutlook | undefined): unknown[] => [
  o !== undefined && Number.isFinite(o.churnProbability) ? o.churnProbability : '',
  o !== undefined && Number.isFinite(o.value180d) ? o.value180d : '',
];

export function planRow(
  c: CustomerChoice,
  segment: string,
  sendWindow: string,
  shadowPrice: number,
  drivers: readonly Driver[] = [],
  outlook?: CustomerOutlook,
): unknown[] {
  const { action, economics: e } = c;
  if (!action || !e || c.pTreated === undefined) {
    return [
      c.customerId,
      c.decision,
      '',
      '',
      '',
      '',
      '',
      c.pControl,
      '',
      '',
      segment,
      '',
      '',
      ...outlookCells(outlook),
    ];
  }
  const reasons = reasonCodes({
    segment,
    pTreated: c.pTreated,
    pControl: c.pControl,
    value: e.value,
    cost: e.cost,
    shadowPrice,
    drivers,
  });
  return [
    c.customerId,
    'target',
    action.offerId,
    action.channelId,
    action.discountPct,
    sendWindow,
    c.pTreated,
    c.pControl,
    Number(e.value.toFixed(4)),
    Number(e.cost.toFixed(4)),
    segment,
    c.runnerUp,
    reasons.join(' | '),
    ...outlookCells(outlook),
  ];
}

export interface DecisionContext {
  readonly runId: string;
  readonly seed: number;
  readonly holdoutFraction: number;
  readonly modelVersion: string;
  readonly shadowPrice: number;
}

/**
 * The hash of everything the plan knew of one customer: their scores, consents and eligibility
 * facts. Run-wide inputs (catalog, budget, seed) are in the run's state.
 */
export function customerInputsHash(candidate: Candidate, terms: CustomerTerms | undefined): string {
  const facts = terms?.facts;
  return inputsHash([
    candidate.customerId,
    candidate.pControl,
    ...candidate.actions,
    [...(terms?.consents ?? [])].sort().join(','),
    facts?.recencyDays ?? '',
    facts?.frequency365 ?? '',
    facts?.monetary365 ?? '',
    facts?.tenureDays ?? '',
  ]);
}

/** The decision log: one row per customer, a bandit/off-policy dataset once rewards are filled. */
export async function writeDecisionLog(
  store: ObjectStore,
  ref: S3Ref,
  choices: readonly CustomerChoice[],
  hashOf: (index: number) => string,
  ctx: DecisionContext,
): Promise<void> {
  const rows = choices.map((c) =>
    decisionLogRow({
      customerId: c.customerId,
      decision: c.decision,
      action: c.action?.actionId ?? '',
      actionPropensity: c.decision === 'holdout' ? ctx.holdoutFraction : 1 - ctx.holdoutFraction,
      expectedValue: c.economics?.value ?? null,
      expectedCost: c.economics?.cost ?? null,
      runnerUp: c.runnerUp,
      runnerUpValue: c.runnerUpValue,
      shadowPrice: ctx.shadowPrice,
      reducedValue: c.reducedValue,
      modelVersion: ctx.modelVersion,
      inputsHash: hashOf(c.index),
      seed: ctx.seed,
      runId: ctx.runId,
    }),
  );
  await writeCsvObjects(store, ref, DECISION_LOG_COLUMNS, rows);
}

/** One file per channel the plan sends on; no personal data, which the lake never stores. */
export async function writeChannelExports(
  store: ObjectStore,
  bucket: string,
  exportsPrefix: string,
  choices: readonly CustomerChoice[],
  sendWindows: readonly string[],
  sendDate: string,
): Promise<NonNullable<PlanSummary['exports']>> {
  const byChannel = new Map<string, ExportRecipient[]>();
  for (const { action, customerId, index } of choices) {
    if (!action) continue;
    const list = byChannel.get(action.channelId) ?? [];
    list.push({
      customerId,
      offerId: action.offerId,
      offerName: action.offer.name,
      discountPct: action.discountPct,
      sendDate,
      sendWindow: sendWindows[index] ?? '',
    });
    byChannel.set(action.channelId, list);
  }
  const files: NonNullable<PlanSummary['exports']> = [];
  for (const [channelId, recipients] of [...byChannel].sort(([a], [b]) => a.localeCompare(b))) {
    const file = { bucket, key: channelExportKey(exportsPrefix, channelId) };
    await store.write(
      file,
      channelExportCsv(channelId, recipients, { allowPersonalData: false }),
      'text/csv',
    );
    files.push({ channelId, file, recipients: recipients.length });
  }
  return files;
}
