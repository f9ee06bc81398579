import { z } from 'zod';
import {
  type CampaignCatalog,
  type CatalogChannel,
  campaignCatalog,
} from '../domain/catalog/campaign-catalog';
import { offerValidOn } from '../domain/planning/action-economics';
import { runArtifactKeys } from '../domain/runs/run-artifacts';
import { scoredAction } from '../domain/runs/run-state';
import { buildScorecard, type Scorecard } from '../domain/scorecard/scorecard';
import {
  type CampaignTerms,
  plannedActionOf,
  type TrueWorld,
  TrueWorldBuilder,
} from '../domain/scorecard/true-world';
import { parseArmKey, type TruthRecord } from '../domain/scorecard/truth-file';
import { ObjectNotFoundError, type ObjectStore } from '../ports/object-store';
import { numberCell, readCsvObjects } from './csv-objects';

export interface ScoreRunDeps {
  readonly store: ObjectStore;
  readonly lakeBucket: string;
}

export interface ScoreRunInput {
  readonly runId: string;
  readonly budget: number;
  /** The campaign's send day: offers not valid then are not actions. */
  readonly sendDate: string;
  readonly truth: AsyncIterable<TruthRecord>;
  /** Seed of the random baseline. */
  readonly seed: number;
  /**
   * Another plan to judge in place of the run's, in the lake bucket, in the plan file's columns
   * (customer_id, decision, offer_id, channel_id); the run's holdout still stays out.
   */
  readonly planKey?: string;
  /** How the judged plan is named in the scorecard. */
  readonly planLabel?: string;
}

const modelCard = z.object({ actions: z.array(scoredAction) });

/**
 * The run's campaign as the scorecard judges it: any valid offer, at any of its discount levels,
 * on any channel, in any send window the truth holds, under the run's budget and limits.
 */
export function campaignTerms(catalog: CampaignCatalog, budget: number, sendDate: string): CampaignTerms {
  const offers = new Map(catalog.offers.filter((o) => offerValidOn(o, sendDate)).map((o) => [o.offerId, o]));
  const channels = new Map<string, CatalogChannel>(catalog.channels.map((c) => [c.channelId, c]));
  return {
    budget,
    resolveArm: (key) => {
      const parts = parseArmKey(key);
      const offer = parts && offers.get(parts.offerId);
      const channel = parts && channels.get(parts.channelId);
      if (!parts || !offer || !channel) return undefined;
      const levels = offer.discountLevels.length > 0 ? offer.discountLevels : [offer.discountPct];
      if (!levels.includes(parts.discountPct)) return undefined;
      return {
        key,
        offerId: offer.offerId,
        channelId: channel.channelId,
        offerKind: offer.kind,
        discountPct: parts.discountPct,
        defaultLevel: parts.discountPct === offer.discountPct,
        window: parts.window,
        marginRate: offer.marginRate,
        contactCost: channel.costPerContact,
      };
    },
    channelCapacity: new Map(catalog.channels.map((c) => [c.channelId, c.capacityPerDay])),
    offerCapacity: new Map(
      [...offers.values()].flatMap((o) => (o.maxVolume === null ? [] : [[o.offerId, o.maxVolume]])),
    ),
  };
}

/**
 * Judges a finished run against a synthetic world's planted truth: its plan, the baselines and
 * the oracle under the run's budget and limits, and its response model against the true
 * probabilities. The run's holdout group stays out of every strategy, as it stayed out of the plan.
 */
export async function scoreRunAgainstTruth(deps: ScoreRunDeps, input: ScoreRunInput): Promise<Scorecard> {
  const keys = runArtifactKeys(input.runId);
  const ref = (key: string) => ({ bucket: deps.lakeBucket, key });
  const catalog = campaignCatalog.parse(JSON.parse(await deps.store.readText(ref(keys.catalog))));

  const heldOut = new Set<string>();
  for await (const row of readCsvObjects(deps.store, ref(keys.plan))) {
    if (row.decision === 'holdout') heldOut.add(row.customer_id ?? '');
  }
  const targeted: {
    customerId: string;
    offerId: string;
    channelId: string;
    discountPct: number;
    window: string;
  }[] = [];
  for await (const row of readCsvObjects(deps.store, ref(input.planKey ?? keys.plan))) {
    if (row.decision !== 'target') continue;
    targeted.push({
      customerId: row.customer_id ?? '',
      offerId: row.offer_id ?? '',
      channelId: row.channel_id ?? '',
      discountPct: numberCell(row.discount_pct),
      window: row.send_window ?? '',
    });
  }

  const builder = new TrueWorldBuilder(
    campaignTerms(catalog, input.budget, input.sendDate),
    (id) => !heldOut.has(id),
  );
  for await (const record of input.truth) builder.add(record);
  const world = builder.build();

  const choice = new Int32Array(world.customerIds.length).fill(-1);
  let unmatched = 0;
  for (const t of targeted) {
    const customer = world.customerIndex.get(t.customerId);
    // A plan without a discount level sends the offer's default; without a window, the channel's first.
    const action =
      customer === undefined
        ? -1
        : plannedActionOf(world, customer, {
            offerId: t.offerId,
            channelId: t.channelId,
            ...(Number.isFinite(t.discountPct) ? { discountPct: t.discountPct } : {}),
            ...(t.window ? { window: t.window } : {}),
          });
    if (customer === undefined || action < 0) unmatched += 1;
    else choice[customer] = action;
  }
  return buildScorecard(world, {
    seed: input.seed,
    engine: {
      runId: input.runId,
      ...(input.planLabel ? { label: input.planLabel } : {}),
      choice,
      unmatched,
      estimates: await readEstimates(deps, world, input.runId),
    },
  });
}

/** The card of the model the run trained: a response model, or a propensity model where the history had no control. */
async function readRunModelCard(deps: ScoreRunDeps, runId: string) {
  const keys = runArtifactKeys(runId);
  const read = (prefix: string) =>
    deps.store.readText({ bucket: deps.lakeBucket, key: `${prefix}model-card.json` });
  const text = await read(keys.responseModel).catch((error: unknown) => {
    if (error instanceof ObjectNotFoundError) return read(keys.propensityModel);
    throw error;
  });
  return modelCard.parse(JSON.parse(text));
}

/** The response model's probabilities per customer and action, from the run's scores file. */
async function readEstimates(deps: ScoreRunDeps, world: TrueWorld, runId: string) {
  const keys = runArtifactKeys(runId);
  const card = await readRunModelCard(deps, runId);
  const pControl = new Float64Array(world.customerIds.length).fill(Number.NaN);
  const pTreated = new Float64Array(world.pTreated.length).fill(Number.NaN);
  for await (const row of readCsvObjects(deps.store, { bucket: deps.lakeBucket, key: keys.scores })) {
    const customer = world.customerIndex.get(row.customer_id ?? '');
    if (customer === undefined) continue;
    pControl[customer] = numberCell(row.p_control, Number.NaN);
    card.actions.forEach((a, i) => {
      // The model scores an offer on a channel at a level: the action it stands for is the one a plan sends.
      const action = plannedActionOf(world, customer, a);
      if (action >= 0) pTreated[action] = numberCell(row[`p_action_${i + 1}`], Number.NaN);
    });
  }
  return { pControl, pTreated };
}
