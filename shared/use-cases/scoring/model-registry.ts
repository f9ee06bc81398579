import type { ScoredAction } from '../../domain/planning/scored-actions';
import type { ChampionPointer } from '../../domain/registry/champion';
import { headsMismatch, parseChampionPointer } from '../../domain/registry/champion';
import {
  type CustomerModelCard,
  championPointerKey,
  MODEL_FILES,
  type ModelCard,
  modelCard,
  modelVersionPrefix,
} from '../../domain/registry/model-card';
import type { Arm } from '../../domain/runs/run-state';
import { ResponseModelError } from '../../domain/scoring/errors';
import {
  loadResponseModel,
  type ModelArtifacts,
  type ResponseModel,
} from '../../domain/scoring/response-model';
import { ObjectNotFoundError, type ObjectStore } from '../../ports/object-store';

/**
 * The model registry in the lake bucket, as the score stage reads and writes it: each version's
 * network and card under `models/{name}/{version}/`, and each partner's champion pointer.
 */

async function readBytes(store: ObjectStore, ref: { bucket: string; key: string }): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.read(ref)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The network files of the version under `prefix`; ObjectNotFoundError when one is missing. */
export async function readModelArtifacts(
  store: ObjectStore,
  bucket: string,
  prefix: string,
): Promise<ModelArtifacts> {
  return {
    modelJson: await store.readText({ bucket, key: `${prefix}${MODEL_FILES.modelJson}` }),
    weights: await readBytes(store, { bucket, key: `${prefix}${MODEL_FILES.weights}` }),
  };
}

/**
 * The champion pointer; a missing one is no champion, an unreadable one is reported for the output.
 * `etag` is the pointer object's entity tag as read (null: there was none), which a promotion must
 * still find (see writeChampionPointer).
 */
export async function readChampionPointer(
  name: string,
  store: ObjectStore,
  bucket: string,
  partner: string,
): Promise<{ pointer?: ChampionPointer; problem?: string; etag: string | null }> {
  const tagged = await store.readTagged({ bucket, key: championPointerKey(name, partner) });
  if (tagged === undefined) return { etag: null };
  return { ...parseChampionPointer(tagged.text), etag: tagged.etag };
}

/** The decision's reason once another run has moved the pointer since this one read it. */
export const lostPromotion = (reason: string): string =>
  `${reason}; not promoted after all: another run moved the champion pointer after this run read it, ` +
  'so this model stays a challenger until a later run measures it against the new champion';

/**
 * Moves the partner's pointer to `promoted`, only if it is still the one the decision was made
 * against (`etag` from readChampionPointer): two runs of a partner scoring at once must not have
 * the later writer replace a champion it never measured. Returns false, writing nothing, if it moved.
 */
export async function writeChampionPointer(
  store: ObjectStore,
  bucket: string,
  partner: string,
  promoted: ChampionPointer,
  etag: string | null,
): Promise<boolean> {
  return store.writeIfUnchanged(
    { bucket, key: championPointerKey(promoted.name, partner) },
    JSON.stringify(promoted, null, 2),
    'application/json',
    etag,
  );
}

/**
 * The card of the partner's `name` champion, or undefined when there is none or it cannot be read:
 * for callers that only consult it (the feature store keeping the champion's categories), never
 * for a decision that a transient read failure must not make.
 */
export async function readChampionCard(
  name: string,
  store: ObjectStore,
  bucket: string,
  partner: string,
): Promise<ModelCard | undefined> {
  const { pointer } = await readChampionPointer(name, store, bucket, partner);
  if (pointer === undefined) return undefined;
  const key = `${modelVersionPrefix(name, pointer.version)}${MODEL_FILES.card}`;
  try {
    const parsed = modelCard.safeParse(JSON.parse(await store.readText({ bucket, key })));
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    if (error instanceof ObjectNotFoundError || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export interface Champion {
  version: string;
  prefix: string;
  model: ResponseModel;
  card: ModelCard;
}

/**
 * Loads the champion the pointer names, or says why it cannot score this run. Missing or malformed
 * artifacts make it unusable; any other failure (S3 down) is thrown, so that a transient error fails
 * the stage for a retry instead of quietly handing the title to the challenger.
 */
export async function loadChampion(
  name: string,
  store: ObjectStore,
  bucket: string,
  pointer: ChampionPointer,
  run: { arms: readonly Arm[]; actions: readonly ScoredAction[]; featureCount: number },
): Promise<Champion | { unusable: string }> {
  const prefix = modelVersionPrefix(name, pointer.version);
  const at = (file: string) => ({ bucket, key: `${prefix}${file}` });
  try {
    const parsed = modelCard.safeParse(JSON.parse(await store.readText(at(MODEL_FILES.card))));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      return { unusable: `its model card is not readable (${issues.slice(0, 3).join('; ')})` };
    }
    const card = parsed.data;
    if (card.featureHash !== pointer.featureHash) {
      return { unusable: 'its model card and the champion pointer disagree on its feature list' };
    }
    const mismatch = headsMismatch(card, run);
    if (mismatch !== undefined) return { unusable: mismatch };
    const model = await loadResponseModel(await readModelArtifacts(store, bucket, prefix));
    if (model.featureCount !== run.featureCount || model.arms !== run.arms.length) {
      model.dispose();
      return {
        unusable: `its network takes ${model.featureCount} inputs for ${model.arms} arms; this run has ${run.featureCount} and ${run.arms.length}`,
      };
    }
    return { version: pointer.version, prefix, model, card };
  } catch (error) {
    if (
      error instanceof ObjectNotFoundError ||
      error instanceof ResponseModelError ||
      error instanceof SyntaxError
    ) {
      return { unusable: error.message };
    }
    throw error;
  }
}

export async function writeModel(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  artifacts: ModelArtifacts,
  card: ModelCard | CustomerModelCard,
): Promise<void> {
  const at = (file: string) => ({ bucket, key: `${prefix}${file}` });
  await store.write(at(MODEL_FILES.modelJson), artifacts.modelJson, 'application/json');
  await store.write(at(MODEL_FILES.weights), artifacts.weights, 'application/octet-stream');
  await store.write(at(MODEL_FILES.card), JSON.stringify(card, null, 2), 'application/json');
}
