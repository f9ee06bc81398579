import { DomainError } from '../../domain/errors';
import {
  type Challenger,
  type ChampionDecision,
  decideChampion,
  promotedPointer,
} from '../../domain/registry/champion';
import { type CustomerModelCard, modelVersionPrefix } from '../../domain/registry/model-card';
import type { ModelArtifacts } from '../../domain/scoring/artifacts';
import { ObjectNotFoundError, type ObjectStore } from '../../ports/object-store';
import {
  lostPromotion,
  readChampionPointer,
  readModelArtifacts,
  writeChampionPointer,
  writeModel,
} from './model-registry';

/**
 * The registry for the churn and value models, as for the response model: every run's model is kept
 * under `models/{name}/{version}/` with its card, and it scores only when its metric on the held-out
 * snapshots is no worse than the partner's champion's on the same snapshots; else the champion
 * scores. The pointer moves only when the caller commits, after the scores are written.
 */

export interface RegisteredModel {
  dispose(): void;
}

export interface CustomerModelCandidate<M extends RegisteredModel> {
  readonly model: M;
  readonly artifacts: ModelArtifacts;
  readonly card: CustomerModelCard;
  /** Rebuilds a stored version; throws a DomainError when its artifacts are not usable. */
  load(artifacts: ModelArtifacts): Promise<M>;
  /** The card's holdout metric of any version, on this run's held-out snapshots (null if undefined). */
  measure(model: M): number | null;
}

export interface CustomerModelChoice<M> {
  /** The model that scores this run: the challenger, or the champion it did not beat. */
  model: M;
  version: string;
  decision: ChampionDecision;
  championMetric: number | null;
  /**
   * Writes the promotion, if any; call once the run has scored with the model. Returns the final
   * decision: not promoted after all when another run moved the pointer since it was read.
   */
  commit(): Promise<ChampionDecision>;
}

export interface RegistryTarget {
  readonly store: ObjectStore;
  readonly bucket: string;
  readonly partner: string;
  readonly now: () => Date;
}

export async function registerCustomerModel<M extends RegisteredModel>(
  target: RegistryTarget,
  candidate: CustomerModelCandidate<M>,
): Promise<CustomerModelChoice<M>> {
  const { store, bucket, partner } = target;
  const { card } = candidate;
  await writeModel(store, bucket, modelVersionPrefix(card.name, card.version), candidate.artifacts, card);
  const challenger: Challenger = {
    version: card.version,
    metric: card.metrics.holdout,
    featureHash: card.featureHash,
    dataWindow: card.dataWindow,
  };
  const { pointer, problem, etag } = await readChampionPointer(card.name, store, bucket, partner);
  let decision = decideChampion(pointer, challenger);
  let champion: { model: M; metric: number | null } | undefined;
  // Only a champion over the same features is loaded; decideChampion hands any other the title unmeasured.
  if (pointer !== undefined && pointer.version !== card.version && pointer.featureHash === card.featureHash) {
    try {
      const model = await candidate.load(
        await readModelArtifacts(store, bucket, modelVersionPrefix(card.name, pointer.version)),
      );
      champion = { model, metric: candidate.measure(model) };
      decision = decideChampion(
        { ...pointer, metric: { name: card.metrics.holdout.name, value: champion.metric } },
        challenger,
      );
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError || error instanceof DomainError)) throw error;
      decision = { promote: true, reason: `champion ${pointer.version} cannot be loaded: ${error.message}` };
    }
  }
  if (problem !== undefined) {
    decision = {
      ...decision,
      reason: `the champion pointer could not be read (${problem}): ${decision.reason}`,
    };
  }
  const keepChampion = !decision.promote && champion !== undefined;
  (keepChampion ? candidate.model : champion?.model)?.dispose();
  return {
    model: keepChampion && champion ? champion.model : candidate.model,
    version: keepChampion && pointer ? pointer.version : card.version,
    decision,
    championMetric: champion?.metric ?? null,
    async commit() {
      if (!decision.promote) return decision;
      const promoted = promotedPointer(card.name, pointer, challenger, {
        promotedAt: target.now().toISOString(),
        reason: decision.reason,
      });
      if (await writeChampionPointer(store, bucket, partner, promoted, etag)) return decision;
      return { promote: false, reason: lostPromotion(decision.reason) };
    },
  };
}
