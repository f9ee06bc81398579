import { createHash } from 'node:crypto';
import { z } from 'zod';
import { arm, scoredAction } from '../runs/run-state';

/**
 * The model registry's layout in the lake bucket: every trained model is kept under its own version,
 * and one small pointer per model name and partner says which version scores that partner's
 * batches (a model learned on one retailer's history has no business scoring another's). Versions are run ids, which the
 * run-id format keeps free of slashes and dots, so a version never collides with `champion.json`.
 */
export const modelVersionPrefix = (name: string, version: string): string => `models/${name}/${version}/`;
/** The registry name of the response model, whose champion the feature store and score stage consult. */
export const RESPONSE_MODEL_NAME = 'response';

export const championPointerKey = (name: string, partner: string): string =>
  `models/${name}/champions/${partner}.json`;

/** The files of one model version, relative to its prefix. */
export const MODEL_FILES = {
  modelJson: 'model.json',
  weights: 'weights.bin',
  card: 'model-card.json',
} as const;

/** Where, below a version's prefix, the network trained on every row lives (see `finalFit`). */
export const FINAL_FIT_DIR = 'final/';

/** What history a model learned from. */
export const dataWindow = z.object({
  /** The batch's as-of date: the day its customers were scored. */
  asOf: z.iso.date(),
  /** Send dates of the earliest and latest training contact; null when the training set names none. */
  firstContact: z.iso.date().nullable(),
  lastContact: z.iso.date().nullable(),
  trainingContacts: z.number().int().nonnegative(),
  /** Treated contacts left out because their offer or channel is no longer in the catalog. */
  skippedContacts: z.number().int().nonnegative(),
});
export type DataWindow = z.infer<typeof dataWindow>;

/** What a churn or value model learned from: customer snapshots at earlier cut-offs and their outcomes. */
export const snapshotWindow = z.object({
  /** The batch's as-of date. */
  asOf: z.iso.date(),
  /** The cut-offs whose snapshots (features then, outcome in the windows after) it trained on. */
  snapshotCutOffs: z.array(z.iso.date()),
  trainingSnapshots: z.number().int().nonnegative(),
  /** Held out by a hash of the snapshot, to measure it against the champion on rows neither saw. */
  holdoutSnapshots: z.number().int().nonnegative(),
});
export type SnapshotWindow = z.infer<typeof snapshotWindow>;

/** Either model family's data window, as a champion pointer records it. */
export const registryDataWindow = z.union([dataWindow, snapshotWindow]);

/** One feature column as the model consumes it: a different transform or fill is a different input. */
export interface FeatureInput {
  readonly name: string;
  readonly transform?: string;
  readonly missing?: number;
}

/**
 * sha256 (hex) over the model's inputs in order, with each one's transform and missing-value fill:
 * two models can take each other's inputs only if these agree, and a renamed, reordered or
 * re-transformed column must change the hash even though the names alone might not.
 */
export function featureListHash(inputs: readonly FeatureInput[]): string {
  const canonical = JSON.stringify(inputs.map((i) => [i.name, i.transform ?? null, i.missing ?? null]));
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** JSON turns NaN into null, so every metric that may be undefined is nullable on read. */
const metric = z.number().nullable();

export const modelCard = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  /** When training finished; `metrics.trainingMs` says how long it took. */
  trainedAt: z.iso.datetime(),
  dataWindow,
  /** The customer features, in the order the model reads them. */
  features: z.array(z.string()),
  /**
   * The categories whose spend shares are among the features, as the feature store named them; the
   * feature store keeps them for the partner's next batches while this model is the champion.
   */
  categories: z.array(z.string()).optional(),
  /** `featureListHash` of the model's inputs (the features, then the discount level). */
  featureHash: z.string().min(1),
  /** The model's inputs: the features, then the discount level sent as a fraction (0 = control). */
  inputs: z.array(z.string()),
  /** The model's heads, 1-based in its output (0 = control). */
  arms: z.array(arm),
  /** The offer × channel × level combinations it was trained to score, as the scores file's columns. */
  actions: z.array(scoredAction),
  /** Measured on the training run's own holdout. */
  metrics: z.object({
    trainRows: z.number().int().nonnegative(),
    holdoutRows: z.number().int().nonnegative(),
    holdoutAuc: metric,
    holdoutQini: metric,
    holdoutLogLoss: metric,
    holdoutQiniByArm: z.array(
      z.object({
        arm: z.number().int(),
        qini: metric,
        treatedRows: z.number().int(),
        controlRows: z.number().int(),
      }),
    ),
    calibration: z.array(
      z.object({
        arm: z.number().int(),
        meanPredicted: metric,
        observedRate: metric,
        rows: z.number().int(),
      }),
    ),
    trainingMs: z.number().nonnegative(),
  }),
  /**
   * Set when, once the holdout had chosen it, the same recipe was trained again on every row,
   * holdout included, and that network (under `final/`) is what scores. The metrics above stay the
   * first network's, measured on rows it did not see; it stays what a later challenger is measured
   * against, since the final network has seen the holdout.
   */
  finalFit: z
    .object({
      trainRows: z.number().int().positive(),
      trainingMs: z.number().nonnegative(),
    })
    .optional(),
  backend: z.string(),
});
export type ModelCard = z.infer<typeof modelCard>;

/**
 * The card of a churn, value or lifetime model (`models/{churn|value|lifetime}/{version}/model-card.json`).
 * A lifetime model's "snapshots" are the customers' histories at the batch's cut-off.
 */
export const customerModelCard = z.object({
  name: z.enum(['churn', 'value', 'lifetime']),
  version: z.string().min(1),
  trainedAt: z.iso.datetime(),
  dataWindow: snapshotWindow,
  /** The customer features, in the order the model reads them. */
  features: z.array(z.string()),
  /** `featureListHash` of those features. */
  featureHash: z.string().min(1),
  metrics: z.object({
    /** The metric champions are compared on, measured on the held-out snapshots. */
    holdout: z.object({ name: z.string(), value: metric }),
    /** Out-of-fold figures on the training snapshots (e.g. AUC and calibration, or R² and Spearman). */
    outOfFold: z.record(z.string(), metric),
    trainingMs: z.number().nonnegative(),
  }),
  backend: z.string(),
});
export type CustomerModelCard = z.infer<typeof customerModelCard>;
