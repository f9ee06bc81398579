import { z } from 'zod';
import type { ModelArtifacts } from '../scoring/artifacts';
import { type BgNbdParams, bgNbdLogLikelihood, type RepeatHistory } from './bg-nbd';
import { ClvError } from './errors';
import type { GammaGammaParams } from './gamma-gamma';

/**
 * The lifetime model as the registry keeps it: BG/NBD's four parameters and, when the batch had
 * repeat buyers to fit it on, Gamma-Gamma's three. Stored as the same two files as every model
 * (model.json and an empty weights.bin), so the registry treats all models alike.
 */
export interface LifetimeModel {
  readonly purchases: BgNbdParams;
  readonly spend?: GammaGammaParams;
  /** Nothing to free; here so the registry can hold it like a network. */
  dispose(): void;
}

const FORMAT = 'campaign-optimizer/lifetime-model';
const FORMAT_VERSION = 1;
const positive = z.number().positive();

const lifetimeJson = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  purchases: z.object({ r: positive, alpha: positive, a: positive, b: positive }),
  spend: z.object({ p: positive, q: positive, v: positive }).nullable(),
});

export function lifetimeModel(purchases: BgNbdParams, spend: GammaGammaParams | undefined): LifetimeModel {
  return { purchases, ...(spend === undefined ? {} : { spend }), dispose: () => undefined };
}

export function lifetimeArtifacts(model: LifetimeModel): ModelArtifacts {
  const json = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    purchases: model.purchases,
    spend: model.spend ?? null,
  };
  return { modelJson: JSON.stringify(json), weights: new Uint8Array(0) };
}

/** Restores a model saved with `lifetimeArtifacts`. Throws `ClvError` on anything else. */
export async function loadLifetimeModel(artifacts: ModelArtifacts): Promise<LifetimeModel> {
  let json: unknown;
  try {
    json = JSON.parse(artifacts.modelJson);
  } catch (error) {
    throw new ClvError('lifetime model artifacts: modelJson is not valid JSON', { cause: error });
  }
  const parsed = lifetimeJson.safeParse(json);
  if (!parsed.success) {
    throw new ClvError(`lifetime model artifacts: modelJson is not a ${FORMAT} version ${FORMAT_VERSION}`, {
      cause: parsed.error,
    });
  }
  return lifetimeModel(parsed.data.purchases, parsed.data.spend ?? undefined);
}

/** Mean BG/NBD log-likelihood per customer of held-out histories: higher fits them better; null without any. */
export function heldOutLogLikelihood(
  model: LifetimeModel,
  histories: readonly RepeatHistory[],
): number | null {
  if (histories.length === 0) return null;
  const mean = bgNbdLogLikelihood(model.purchases, histories) / histories.length;
  return Number.isFinite(mean) ? mean : null;
}
