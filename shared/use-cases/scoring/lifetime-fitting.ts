import {
  type BgNbdParams,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
  type RepeatHistory,
} from '../../domain/clv/bg-nbd';
import { ClvError } from '../../domain/clv/errors';
import { type PurchaseHistoryFacts, repeatHistoryOf, repeatSpendOf } from '../../domain/clv/feature-history';
import { expectedAverageSpend, fitGammaGamma, type GammaGammaParams } from '../../domain/clv/gamma-gamma';
import {
  heldOutLogLikelihood,
  lifetimeArtifacts,
  lifetimeModel,
  loadLifetimeModel,
} from '../../domain/clv/lifetime-model';
import { LABEL_WINDOWS } from '../../domain/features/feature-queries';
import type { ChampionDecision } from '../../domain/registry/champion';
import { formatFixed } from '../../domain/rounding';
import type { CustomerValueOutput, S3Ref } from '../../domain/runs/run-state';
import { HashSample } from '../../domain/scoring/hash-sample';
import type { ObjectStore } from '../../ports/object-store';
import { columnIndices, detachedString, numberCell, readCsvRecords } from '../csv-objects';
import { registerCustomerModel } from './customer-model-registry';
import { cardOf, isHeldOutSnapshot, type RegistryContext, registryOutput } from './snapshot-training';

/**
 * The lifetime models of the score stage: BG/NBD and Gamma-Gamma fitted on a sample of the
 * customers' purchase histories at the run's cut-off, kept in the registry, and the four lifetime
 * columns of each customer's scores.
 */

/** Customers the lifetime models are fitted on. */
const LIFETIME_SAMPLE = 50_000;
/** The models count purchases in weeks. */
const WEEK_DAYS = 7;

/** What a lifetime model reads of a customer's history: the four columns and the week as its unit. */
const LIFETIME_INPUTS = [
  { name: 'purchase_days_total' },
  { name: 'first_purchase_age_days' },
  { name: 'recency_days' },
  { name: 'avg_basket_value' },
  { name: 'period', transform: `days_${WEEK_DAYS}` },
];

/** The purchase-history columns of a feature row, by position (see `historyColumns`). */
export interface HistoryColumns {
  purchaseDays: number;
  firstPurchaseAge: number;
  recency: number;
  basket: number;
}

export function historyColumns(header: readonly string[]): HistoryColumns {
  const [purchaseDays = -1, firstPurchaseAge = -1, recency = -1, basket = -1] = columnIndices(header, [
    'purchase_days_total',
    'first_purchase_age_days',
    'recency_days',
    'avg_basket_value',
  ]);
  return { purchaseDays, firstPurchaseAge, recency, basket };
}

export function historyFacts(cells: readonly string[], at: HistoryColumns): PurchaseHistoryFacts {
  return {
    purchaseDays: numberCell(cells[at.purchaseDays], 0),
    firstPurchaseAgeDays: numberCell(cells[at.firstPurchaseAge]),
    recencyDays: numberCell(cells[at.recency]),
    meanReceiptValue: numberCell(cells[at.basket], 0),
  };
}

/** The fitted (or champion) parameters the scores are computed with, and the stage's report of them. */
export interface FittedLifetime {
  purchases: BgNbdParams;
  spend?: GammaGammaParams;
  output: NonNullable<CustomerValueOutput['lifetime']>;
  /** Writes the promotion, if any; the final decision (see registerCustomerModel). */
  commit(): Promise<ChampionDecision>;
}

interface SampledHistories {
  customers: { id: string; facts: PurchaseHistoryFacts }[];
  /** Customers offered to the sample: every scored customer with a purchase history. */
  seen: number;
}

/** A hash-chosen sample of the customers who bought before the cut-off, from the scoring features. */
export async function sampleHistories(store: ObjectStore, features: S3Ref): Promise<SampledHistories> {
  const sample = new HashSample<{ id: string; facts: PurchaseHistoryFacts }>(LIFETIME_SAMPLE);
  let at: (HistoryColumns & { id: number }) | undefined;
  for await (const cells of readCsvRecords(store, features)) {
    if (at === undefined) {
      at = { ...historyColumns(cells), id: cells.indexOf('customer_id') };
      continue;
    }
    const facts = historyFacts(cells, at);
    if (repeatHistoryOf(facts, WEEK_DAYS) !== undefined) {
      const id = detachedString(cells[at.id] ?? '');
      sample.offer(id, () => ({ id, facts }));
    }
  }
  return { customers: sample.take(), seen: sample.seen };
}

/**
 * BG/NBD on the sampled histories, Gamma-Gamma on its repeat buyers, a hash-chosen fifth of the
 * sample held out; kept in the registry, it scores only if its held-out BG/NBD log-likelihood per
 * customer is no worse than the champion's on the same customers. Throws ClvError when nothing can
 * be fitted; `note` says why there is no spend model when only that one could not be fitted.
 */
export async function fitLifetime(
  sampled: SampledHistories,
  registry: RegistryContext,
): Promise<{ lifetime: FittedLifetime; note?: string }> {
  if (sampled.customers.length === 0) {
    throw new ClvError(`none of the ${sampled.seen} customers bought before the cut-off`);
  }
  const started = Date.now();
  const histories = (rows: SampledHistories['customers']) =>
    rows.map((c) => repeatHistoryOf(c.facts, WEEK_DAYS) as RepeatHistory);
  const train = sampled.customers.filter((c) => !isHeldOutSnapshot(c.id));
  const held = histories(sampled.customers.filter((c) => isHeldOutSnapshot(c.id)));
  const purchases = fitBgNbd(histories(train));
  const spends = train.flatMap((c) => repeatSpendOf(c.facts) ?? []);
  const spend = spends.length === 0 ? undefined : fitGammaGamma(spends);
  const model = lifetimeModel(purchases.params, spend?.params);
  const card = cardOf(
    'lifetime',
    { ...registry, snapshotCutOffs: [registry.asOf] },
    LIFETIME_INPUTS,
    { train: train.length, holdout: held.length },
    {
      holdout: { name: 'holdoutLogLikelihood', value: heldOutLogLikelihood(model, held) },
      outOfFold: {},
      trainingMs: Date.now() - started,
    },
    'numeric.js',
  );
  const choice = await registerCustomerModel(registry, {
    model,
    artifacts: lifetimeArtifacts(model),
    card,
    load: loadLifetimeModel,
    measure: (m) => heldOutLogLikelihood(m, held),
  });
  const chosen = choice.model;
  return {
    lifetime: {
      purchases: chosen.purchases,
      ...(chosen.spend === undefined ? {} : { spend: chosen.spend }),
      commit: choice.commit,
      output: {
        customers: purchases.customers,
        ...chosen.purchases,
        spend: chosen.spend === undefined ? null : { customers: spend?.customers ?? 0, ...chosen.spend },
        registry: registryOutput(choice, card),
      },
    },
    ...(spend === undefined ? { note: 'no repeat buyer to fit spend on' } : {}),
  };
}

/** A score cell: fixed digits, blank when there is no finite value. */
export const scoreCell = (n: number | undefined, digits: number): string =>
  n === undefined || !Number.isFinite(n) ? '' : formatFixed(n, digits);

/** The lifetime columns of one customer; a closed form the parameters leave undefined gives blanks. */
export function lifetimeCells(lifetime: FittedLifetime | undefined, facts: PurchaseHistoryFacts): string[] {
  if (lifetime === undefined) return ['', '', '', ''];
  const horizon = LABEL_WINDOWS.valueDays / WEEK_DAYS;
  const history = repeatHistoryOf(facts, WEEK_DAYS);
  try {
    const alive = history === undefined ? undefined : probabilityAlive(lifetime.purchases, history);
    const count =
      history === undefined
        ? expectedPurchasesNewCustomer(lifetime.purchases, horizon)
        : expectedPurchases(lifetime.purchases, history, horizon);
    const spend =
      lifetime.spend === undefined
        ? undefined
        : expectedAverageSpend(lifetime.spend, repeatSpendOf(facts) ?? { frequency: 0, monetary: 0 });
    return [
      scoreCell(alive, 6),
      scoreCell(count, 4),
      scoreCell(spend, 2),
      scoreCell(spend === undefined ? undefined : count * spend, 2),
    ];
  } catch (error) {
    if (error instanceof ClvError) return ['', '', '', ''];
    throw error;
  }
}
