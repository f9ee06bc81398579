import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { ResponseModelError } from './errors';
import type { Scaler } from './scaler';

/**
 * A trained response model as two blobs the caller stores where it likes (S3 on AWS): a JSON document
 * and the raw weights. Nothing here touches a file system or network.
 */
export interface ModelArtifacts {
  /** JSON: format and version, arms, featureCount, the scaler, each network's topology and weight specs. */
  modelJson: string;
  /** The weight values of every network, one after the other, laid out as the weight specs describe. */
  weights: Uint8Array;
}

/** What the model needs besides its networks. */
export interface ModelHeader {
  arms: number;
  featureCount: number;
  scaler: Scaler;
}

const FORMAT = 'campaign-optimizer/response-model';
/**
 * Version 1 holds one network (`modelTopology`, `weightSpecs`); version 2 several, averaged
 * (`members`). A one-network model is still written as version 1, so older builds read it. Bump
 * when the JSON layout or the meaning of a field changes, and keep reading older versions.
 */
export const ARTIFACT_FORMAT_VERSIONS = [1, 2] as const;

const BYTES_PER_FLOAT32 = 4;

const networkSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightSpecs: z.array(
    z.looseObject({
      name: z.string(),
      shape: z.array(z.number().int().nonnegative()),
      dtype: z.literal('float32'),
    }),
  ),
});

const headerSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.number().int(),
  arms: z.number().int().positive(),
  featureCount: z.number().int().positive(),
  scaler: z.object({
    means: z.array(z.number()),
    stds: z.array(z.number().positive()),
  }),
});

const singleSchema = headerSchema.extend(networkSchema.shape);
const ensembleSchema = headerSchema.extend({ members: z.array(networkSchema).min(2) });

/** Bytes of float32 weights that tfjs weight specs describe. */
export function weightBytes(specs: readonly { shape: readonly number[] }[]): number {
  return specs.reduce((sum, spec) => sum + spec.shape.reduce((p, d) => p * d, 1) * BYTES_PER_FLOAT32, 0);
}

/** Packs tfjs's save output of each network and the model header into storable artifacts. */
export function packArtifacts(saved: readonly tf.io.ModelArtifacts[], header: ModelHeader): ModelArtifacts {
  const networks = saved.map((s) => {
    if (s.modelTopology === undefined || s.weightSpecs === undefined || s.weightData === undefined) {
      throw new ResponseModelError(
        'tfjs returned incomplete model artifacts (topology, weight specs or weights missing)',
      );
    }
    return { modelTopology: s.modelTopology, weightSpecs: s.weightSpecs, weightData: s.weightData };
  });
  const first = networks[0];
  if (first === undefined) throw new ResponseModelError('a response model has at least one network');
  const common = {
    format: FORMAT,
    arms: header.arms,
    featureCount: header.featureCount,
    scaler: { means: header.scaler.means, stds: header.scaler.stds },
  };
  const envelope =
    networks.length === 1
      ? { ...common, formatVersion: 1, modelTopology: first.modelTopology, weightSpecs: first.weightSpecs }
      : {
          ...common,
          formatVersion: 2,
          members: networks.map((n) => ({ modelTopology: n.modelTopology, weightSpecs: n.weightSpecs })),
        };
  // join() copies, so the artifacts do not alias memory tfjs may reuse.
  const parts = networks.map((n) => new Uint8Array(tf.io.CompositeArrayBuffer.join(n.weightData)));
  const weights = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    weights.set(part, offset);
    offset += part.byteLength;
  }
  return { modelJson: JSON.stringify(envelope), weights };
}

function issuesOf(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Checks and unpacks artifacts into what `tf.io.fromMemory` takes, one per network, plus the model
 * header. `weights` may be a view into a larger buffer (a Node Buffer from an S3 read usually is).
 */
export function unpackArtifacts(artifacts: ModelArtifacts): {
  saved: tf.io.ModelArtifacts[];
  header: ModelHeader;
} {
  let json: unknown;
  try {
    json = JSON.parse(artifacts.modelJson);
  } catch (error) {
    throw new ResponseModelError('model artifacts: modelJson is not valid JSON', { cause: error });
  }
  const head = headerSchema.safeParse(json);
  if (!head.success) {
    throw new ResponseModelError(
      `model artifacts: modelJson is not a response model (${issuesOf(head.error)})`,
      {
        cause: head.error,
      },
    );
  }
  const version = head.data.formatVersion;
  if (!(ARTIFACT_FORMAT_VERSIONS as readonly number[]).includes(version)) {
    throw new ResponseModelError(
      `model artifacts have format version ${version}; this build reads versions ${ARTIFACT_FORMAT_VERSIONS.join(' and ')}`,
    );
  }
  const parsed = version === 1 ? singleSchema.safeParse(json) : ensembleSchema.safeParse(json);
  if (!parsed.success) {
    throw new ResponseModelError(
      `model artifacts: modelJson is not a version ${version} response model (${issuesOf(parsed.error)})`,
      { cause: parsed.error },
    );
  }
  const envelope = parsed.data;
  const networks = 'members' in envelope ? envelope.members : [envelope];
  const { means, stds } = envelope.scaler;
  if (means.length !== envelope.featureCount || stds.length !== envelope.featureCount) {
    throw new ResponseModelError(
      `model artifacts: the scaler has ${means.length} means and ${stds.length} stds for ${envelope.featureCount} features`,
    );
  }
  const sizes = networks.map((n) => weightBytes(n.weightSpecs));
  const expectedBytes = sizes.reduce((a, b) => a + b, 0);
  if (artifacts.weights.byteLength !== expectedBytes) {
    throw new ResponseModelError(
      `model artifacts: weights are ${artifacts.weights.byteLength} bytes but the weight specs need ${expectedBytes}; ` +
        'the JSON and the weights probably come from different saves',
    );
  }
  let offset = artifacts.weights.byteOffset;
  const saved = networks.map((n, i) => {
    const size = sizes[i] as number;
    const weightData = artifacts.weights.buffer.slice(offset, offset + size) as ArrayBuffer;
    offset += size;
    return {
      modelTopology: n.modelTopology,
      weightSpecs: n.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData,
    };
  });
  return {
    saved,
    header: { arms: envelope.arms, featureCount: envelope.featureCount, scaler: { means, stds } },
  };
}
