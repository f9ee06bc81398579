import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { ResponseModelError } from './errors';
import type { Scaler } from './scaler';

/**
 * A trained response model as two blobs the caller stores where it likes (S3 on AWS): a JSON document
 * and the raw weights. Nothing here touches a file system or network.
 */
export interface ModelArtifacts {
  /** JSON: format and version, arms, featureCount, the scaler, tfjs modelTopology and weightSpecs. */
  modelJson: string;
  /** The weight values, laid out as `weightSpecs` in modelJson describe. */
  weights: Uint8Array;
}

/** What the model needs besides the network itself. */
export interface ModelHeader {
  arms: number;
  featureCount: number;
  scaler: Scaler;
}

const FORMAT = 'campaign-optimizer/response-model';
/** Bump when the JSON layout or the meaning of a field changes, and keep reading older versions. */
export const ARTIFACT_FORMAT_VERSION = 1;

const BYTES_PER_FLOAT32 = 4;

const envelopeSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.number().int(),
  arms: z.number().int().positive(),
  featureCount: z.number().int().positive(),
  scaler: z.object({
    means: z.array(z.number()),
    stds: z.array(z.number().positive()),
  }),
  modelTopology: z.record(z.string(), z.unknown()),
  weightSpecs: z.array(
    z.looseObject({
      name: z.string(),
      shape: z.array(z.number().int().nonnegative()),
      dtype: z.literal('float32'),
    }),
  ),
});

/** Bytes of float32 weights that tfjs weight specs describe. */
export function weightBytes(specs: readonly { shape: readonly number[] }[]): number {
  return specs.reduce((sum, spec) => sum + spec.shape.reduce((p, d) => p * d, 1) * BYTES_PER_FLOAT32, 0);
}

/** Packs tfjs's save output and the model header into storable artifacts. */
export function packArtifacts(saved: tf.io.ModelArtifacts, header: ModelHeader): ModelArtifacts {
  if (
    saved.modelTopology === undefined ||
    saved.weightSpecs === undefined ||
    saved.weightData === undefined
  ) {
    throw new ResponseModelError(
      'tfjs returned incomplete model artifacts (topology, weight specs or weights missing)',
    );
  }
  const envelope = {
    format: FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    arms: header.arms,
    featureCount: header.featureCount,
    scaler: { means: header.scaler.means, stds: header.scaler.stds },
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightSpecs,
  };
  // join() copies, so the artifacts do not alias memory tfjs may reuse.
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData));
  return { modelJson: JSON.stringify(envelope), weights };
}

/**
 * Checks and unpacks artifacts into what `tf.io.fromMemory` takes plus the model header.
 * `weights` may be a view into a larger buffer (a Node Buffer from an S3 read usually is).
 */
export function unpackArtifacts(artifacts: ModelArtifacts): {
  saved: tf.io.ModelArtifacts;
  header: ModelHeader;
} {
  let json: unknown;
  try {
    json = JSON.parse(artifacts.modelJson);
  } catch (error) {
    throw new ResponseModelError('model artifacts: modelJson is not valid JSON', { cause: error });
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ResponseModelError(`model artifacts: modelJson is not a response model (${issues})`, {
      cause: parsed.error,
    });
  }
  const envelope = parsed.data;
  if (envelope.formatVersion !== ARTIFACT_FORMAT_VERSION) {
    throw new ResponseModelError(
      `model artifacts have format version ${envelope.formatVersion}; this build reads version ${ARTIFACT_FORMAT_VERSION}`,
    );
  }
  const { means, stds } = envelope.scaler;
  if (means.length !== envelope.featureCount || stds.length !== envelope.featureCount) {
    throw new ResponseModelError(
      `model artifacts: the scaler has ${means.length} means and ${stds.length} stds for ${envelope.featureCount} features`,
    );
  }
  const expectedBytes = weightBytes(envelope.weightSpecs);
  if (artifacts.weights.byteLength !== expectedBytes) {
    throw new ResponseModelError(
      `model artifacts: weights are ${artifacts.weights.byteLength} bytes but the weight specs need ${expectedBytes}; ` +
        'the JSON and the weights probably come from different saves',
    );
  }
  const { byteOffset, byteLength } = artifacts.weights;
  const weightData = artifacts.weights.buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer;
  return {
    saved: {
      modelTopology: envelope.modelTopology,
      weightSpecs: envelope.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData,
    },
    header: { arms: envelope.arms, featureCount: envelope.featureCount, scaler: { means, stds } },
  };
}
