import { FINAL_FIT_DIR, MODEL_FILES, type ModelCard } from '../../domain/registry/model-card';
import {
  loadResponseModel,
  type ResponseModel,
  type ResponseModelOptions,
  type TrainingSet,
  trainResponseModel,
} from '../../domain/scoring/response-model';
import type { ObjectStore } from '../../ports/object-store';
import { readModelArtifacts, writeModel } from './model-registry';

/**
 * Up to this many training rows a chosen challenger trains again on every row before it scores.
 * The holdout (a fifth of the rows) must stay out of the network it measures, but once it has
 * chosen the model its rows are as good as any for the network that scores: on ten demo worlds
 * (~18,000 rows) the plan at a budget for 20% of customers rose from 75.6% to 77.2% of the oracle
 * given the same spend (7 worlds up, 3 down). It trains the networks a second time, so past this
 * size, where a fifth more rows changes little, the training of 1,000,000 customers keeps its time.
 */
export const FINAL_FIT_MAX_ROWS = 100_000;

export function fitsOnAllRows(rows: number): boolean {
  return rows <= FINAL_FIT_MAX_ROWS;
}

/**
 * Trains the recipe of `card` again on every row, stores the network under the version's `final/`
 * and the card with `finalFit` (there and at the version), and returns the network loaded from what
 * was stored.
 */
export async function fitOnAllRows(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  card: ModelCard,
  rows: TrainingSet,
  options: ResponseModelOptions,
): Promise<ResponseModel> {
  const { model: trained, metrics } = await trainResponseModel(rows, options);
  const artifacts = await trained.toArtifacts();
  trained.dispose();
  const fitted: ModelCard = { ...card, finalFit: { trainRows: rows.rows, trainingMs: metrics.trainingMs } };
  await writeModel(store, bucket, `${prefix}${FINAL_FIT_DIR}`, artifacts, fitted);
  // The card at the version itself says which network scores.
  await store.write(
    { bucket, key: `${prefix}${MODEL_FILES.card}` },
    JSON.stringify(fitted, null, 2),
    'application/json',
  );
  return loadResponseModel(artifacts);
}

/** The network that scores for a stored version: its final fit when it has one. */
export async function loadFinalFit(
  store: ObjectStore,
  bucket: string,
  prefix: string,
): Promise<ResponseModel> {
  return loadResponseModel(await readModelArtifacts(store, bucket, `${prefix}${FINAL_FIT_DIR}`));
}
