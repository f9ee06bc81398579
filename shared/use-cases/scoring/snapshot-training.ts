import type { FeatureVector } from '../../domain/features/feature-vector';
import { unitHash } from '../../domain/registry/holdout';
import { type CustomerModelCard, type FeatureInput, featureListHash } from '../../domain/registry/model-card';
import type { ModelArtifacts } from '../../domain/scoring/artifacts';
import { initTensorflow } from '../../domain/scoring/tensorflow';
import {
  type CustomerModelChoice,
  type RegistryTarget,
  registerCustomerModel,
} from './customer-model-registry';

/**
 * Training the churn and value models on sampled snapshots: the examples, the held-out slice they
 * are compared with their champion on, and training a model into the registry.
 */

export interface Example {
  /** The snapshot's key (customer and cut-off), which decides whether it is held out. */
  key: string;
  features: Float32Array;
  target: number;
}

/** Share of the sampled snapshots held out to compare a new model with the champion. */
const HOLDOUT_FRACTION = 0.2;
/** Apart from the sample's own hash, so the holdout is a fair slice of the sample. */
export const isHeldOutSnapshot = (key: string): boolean =>
  unitHash(`customer-models-holdout:${key}`) < HOLDOUT_FRACTION;
export const isHeldOut = (e: Example) => isHeldOutSnapshot(e.key);

export function stack(examples: readonly Example[], width: number) {
  const features = new Float32Array(examples.length * width);
  for (const [i, e] of examples.entries()) features.set(e.features, i * width);
  return { rows: examples.length, featureCount: width, features };
}

export interface Samples {
  vector: FeatureVector;
  churn: Example[];
  value: Example[];
}

/** What the registry needs to keep each model version and compare it with the champion. */
export interface RegistryContext extends RegistryTarget {
  readonly version: string;
  readonly asOf: string;
  readonly snapshotCutOffs: readonly string[];
}

/** A model card for this run's version, over `inputs` (the model's input columns, in order). */
export function cardOf(
  name: CustomerModelCard['name'],
  registry: RegistryContext,
  inputs: readonly FeatureInput[],
  rows: { train: number; holdout: number },
  metrics: CustomerModelCard['metrics'],
  backend: string,
): CustomerModelCard {
  return {
    name,
    version: registry.version,
    trainedAt: registry.now().toISOString(),
    dataWindow: {
      asOf: registry.asOf,
      snapshotCutOffs: [...registry.snapshotCutOffs],
      trainingSnapshots: rows.train,
      holdoutSnapshots: rows.holdout,
    },
    features: inputs.map((i) => i.name),
    featureHash: featureListHash(inputs),
    metrics,
    backend,
  };
}

export const registryOutput = (choice: CustomerModelChoice<unknown>, card: CustomerModelCard) => ({
  version: choice.version,
  champion: choice.decision.promote,
  reason: choice.decision.reason,
  metric: card.metrics.holdout.name,
  challengerMetric: card.metrics.holdout.value,
  championMetric: choice.championMetric,
});

/** One snapshot model's training, measuring and loading, for `trainAndRegister`. */
export interface SnapshotModelSpec<M extends { toArtifacts(): Promise<ModelArtifacts>; dispose(): void }, R> {
  name: CustomerModelCard['name'];
  examples: readonly Example[];
  train(examples: readonly Example[]): Promise<{ model: M; report: R }>;
  /** The holdout metric's name, and its value for a model on the held-out examples (null if undefined). */
  metric: string;
  measure(model: M, held: readonly Example[]): number | null;
  outOfFold(report: R): Record<string, number | null>;
  load(artifacts: ModelArtifacts): Promise<M>;
}

/**
 * Trains a model on the sampled snapshots outside the holdout, keeps it in the registry and returns
 * the version that scores: it, or the champion it did not beat on the held-out snapshots.
 */
export async function trainAndRegister<
  M extends { toArtifacts(): Promise<ModelArtifacts>; dispose(): void },
  R,
>(
  spec: SnapshotModelSpec<M, R>,
  samples: Samples,
  registry: RegistryContext,
): Promise<{ choice: CustomerModelChoice<M>; report: R; card: CustomerModelCard }> {
  const { backend } = await initTensorflow();
  const held = spec.examples.filter(isHeldOut);
  const train = spec.examples.filter((e) => !isHeldOut(e));
  const started = Date.now();
  const { model, report } = await spec.train(train);
  const measure = (m: M) => spec.measure(m, held);
  const card = cardOf(
    spec.name,
    registry,
    samples.vector.specs,
    { train: train.length, holdout: held.length },
    {
      holdout: { name: spec.metric, value: measure(model) },
      outOfFold: spec.outOfFold(report),
      trainingMs: Date.now() - started,
    },
    backend,
  );
  const choice = await registerCustomerModel(registry, {
    model,
    artifacts: await model.toArtifacts(),
    card,
    load: spec.load,
    measure,
  });
  return { choice, report, card };
}
