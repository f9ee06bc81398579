import { z } from 'zod';
import type { Arm } from '../runs/run-state';
import { registryDataWindow } from './model-card';

/** Enough to audit a run of promotions without the pointer growing with every run. */
export const CHAMPION_HISTORY_LIMIT = 20;

/** The held-out metric champions are compared on: the pooled Qini coefficient of predicted uplift. */
export const CHAMPION_METRIC = 'holdoutQini';

const metric = z.object({
  name: z.string().min(1),
  /** null when the holdout could not define it (e.g. no incremental response at all). */
  value: z.number().nullable(),
});

const championEntry = z.object({
  version: z.string().min(1),
  /** The metric the version won on, as measured on the holdout of the run that promoted it. */
  metric,
  featureHash: z.string().min(1),
  dataWindow: registryDataWindow,
  promotedAt: z.iso.datetime(),
  reason: z.string(),
});

/**
 * `models/{name}/champion.json`: which version of a model scores customers. No cap is enforced on
 * read, so a pointer written with a longer history by another build still parses.
 */
export const championPointer = championEntry.extend({
  name: z.string().min(1),
  /** Former champions, most recently replaced first. */
  history: z.array(championEntry.extend({ replacedAt: z.iso.datetime() })).default([]),
});
export type ChampionPointer = z.infer<typeof championPointer>;
export type ChampionEntry = z.infer<typeof championEntry>;

/** A freshly trained model, measured on the held-out rows its champion is measured on too. */
export interface Challenger {
  readonly version: string;
  readonly metric: { readonly name: string; readonly value: number | null };
  readonly featureHash: string;
  readonly dataWindow: ChampionEntry['dataWindow'];
}

export interface ChampionDecision {
  promote: boolean;
  reason: string;
}

/** Reads a pointer's text; an unreadable one is reported, not thrown, so the caller can recover. */
export function parseChampionPointer(
  text: string,
): { pointer: ChampionPointer; problem?: undefined } | { pointer?: undefined; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = championPointer.safeParse(json);
  if (parsed.success) return { pointer: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { problem: `not a champion pointer (${issues})` };
}

const measured = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const show = (value: number): string => String(Number(value.toPrecision(6)));

/**
 * Whether `challenger` replaces `current` as champion. `current.metric` must have been measured on the
 * challenger's holdout: metrics from different held-out rows do not rank models. A new model wins
 * when it is no worse (ties go to the newer model, trained on the fresher data); a missing metric
 * never beats a measured one, and when neither could be measured the newer model takes over.
 */
export function decideChampion(
  current: ChampionPointer | undefined,
  challenger: Challenger,
): ChampionDecision {
  if (current === undefined) return { promote: true, reason: 'there is no champion yet' };
  if (current.version === challenger.version) {
    return { promote: true, reason: `${challenger.version} is already the champion (the run was retried)` };
  }
  if (current.featureHash !== challenger.featureHash) {
    return {
      promote: true,
      reason:
        `champion ${current.version} was trained on a different feature list (hash ${current.featureHash.slice(0, 12)}, ` +
        `this batch has ${challenger.featureHash.slice(0, 12)}), so it cannot score this batch`,
    };
  }
  const name = challenger.metric.name;
  if (current.metric.name !== name) {
    return {
      promote: true,
      reason: `champion ${current.version} was measured on ${current.metric.name}, not ${name}: the two cannot be ranked`,
    };
  }
  const mine = challenger.metric.value;
  const theirs = current.metric.value;
  if (!measured(mine)) {
    return measured(theirs)
      ? {
          promote: false,
          reason: `the challenger's ${name} is undefined on the holdout, and an undefined metric never beats champion ${current.version}'s ${show(theirs)}`,
        }
      : {
          promote: true,
          reason: `${name} is undefined on the holdout for both models; the challenger, trained on fresher data, takes over`,
        };
  }
  if (!measured(theirs)) {
    return {
      promote: true,
      reason: `champion ${current.version}'s ${name} is undefined on the holdout; the challenger's is ${show(mine)}`,
    };
  }
  return mine >= theirs
    ? {
        promote: true,
        reason: `the challenger's ${name} ${show(mine)} is no worse than champion ${current.version}'s ${show(theirs)} on the same holdout`,
      }
    : {
        promote: false,
        reason: `the challenger's ${name} ${show(mine)} is worse than champion ${current.version}'s ${show(theirs)} on the same holdout`,
      };
}

/**
 * The pointer after `challenger` is promoted: the former champion heads the history, capped at
 * `CHAMPION_HISTORY_LIMIT`. A retried run re-promoting itself does not list itself as its predecessor.
 */
export function promotedPointer(
  name: string,
  current: ChampionPointer | undefined,
  challenger: Challenger,
  promotion: { promotedAt: string; reason: string },
): ChampionPointer {
  const previous: ChampionPointer['history'] =
    current === undefined
      ? []
      : current.version === challenger.version
        ? current.history
        : [
            {
              version: current.version,
              metric: current.metric,
              featureHash: current.featureHash,
              dataWindow: current.dataWindow,
              promotedAt: current.promotedAt,
              reason: current.reason,
              replacedAt: promotion.promotedAt,
            },
            ...current.history,
          ];
  return {
    name,
    version: challenger.version,
    metric: { name: challenger.metric.name, value: challenger.metric.value },
    featureHash: challenger.featureHash,
    dataWindow: challenger.dataWindow,
    promotedAt: promotion.promotedAt,
    reason: promotion.reason,
    history: previous.slice(0, CHAMPION_HISTORY_LIMIT),
  };
}

/** What a model's heads score: its arms in head order and the actions read from them. */
export interface ModelHeads {
  readonly arms: readonly Arm[];
  readonly actions: readonly { actionId: string; arm: number }[];
}

/**
 * Why a champion's heads cannot produce this run's scores file, or undefined when they can: the
 * file's columns are this run's actions, each read from one head, so the champion must have the same
 * arms in the same order and the same actions on the same heads.
 */
export function headsMismatch(champion: ModelHeads, run: ModelHeads): string | undefined {
  const arms = (h: ModelHeads) => h.arms.map((a) => a.armId);
  const actions = (h: ModelHeads) => h.actions.map((a) => `${a.actionId}@${a.arm}`);
  const differ = (a: string[], b: string[]) => a.length !== b.length || a.some((v, i) => v !== b[i]);
  if (differ(arms(champion), arms(run))) {
    return `its arms (${arms(champion).join(', ')}) are not this run's (${arms(run).join(', ')})`;
  }
  if (differ(actions(champion), actions(run))) {
    return `its actions (${actions(champion).join(', ')}) are not this run's (${actions(run).join(', ')})`;
  }
  return undefined;
}
