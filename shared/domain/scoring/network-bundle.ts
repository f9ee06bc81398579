import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { type ModelArtifacts, weightBytes } from './artifacts';
import { initTensorflow } from './tensorflow';

/**
 * Several tfjs networks and the settings that turn their outputs into predictions (a scaler, a
 * calibration, quantile levels …), as the same two blobs a response model is stored as: one JSON
 * document, and every network's weights one after the other. For the cross-fitted ensembles of the
 * churn and value models. Nothing here touches a file system or network.
 */

/** Bump when the JSON layout changes, and keep reading older versions. */
const BUNDLE_FORMAT_VERSION = 1;

const bundleSchema = z.object({
  format: z.string(),
  formatVersion: z.number().int(),
  /** What the model needs besides its networks; the model's own schema checks it. */
  settings: z.unknown(),
  networks: z
    .array(
      z.object({
        modelTopology: z.record(z.string(), z.unknown()),
        weightSpecs: z.array(
          z.looseObject({
            name: z.string(),
            shape: z.array(z.number().int().nonnegative()),
            dtype: z.literal('float32'),
          }),
        ),
      }),
    )
    .min(1),
});

/** A network or bundle that cannot be packed or rebuilt; the model wraps it in its own error. */
export class NetworkBundleError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkBundleError';
  }
}

async function saveNetwork(network: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (
    saved?.modelTopology === undefined ||
    saved.weightSpecs === undefined ||
    saved.weightData === undefined
  ) {
    throw new NetworkBundleError(
      'tfjs returned incomplete artifacts (topology, weight specs or weights missing)',
    );
  }
  return saved;
}

export async function packNetworks(
  format: string,
  settings: unknown,
  networks: readonly tfl.LayersModel[],
): Promise<ModelArtifacts> {
  const saved = await Promise.all(networks.map(saveNetwork));
  const json = {
    format,
    formatVersion: BUNDLE_FORMAT_VERSION,
    settings,
    networks: saved.map((s) => ({ modelTopology: s.modelTopology, weightSpecs: s.weightSpecs })),
  };
  // join() copies, so the artifacts do not alias memory tfjs may reuse.
  const parts = saved.map((s) => new Uint8Array(tf.io.CompositeArrayBuffer.join(s.weightData ?? [])));
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    weights.set(part, offset);
    offset += part.byteLength;
  }
  return { modelJson: JSON.stringify(json), weights };
}

/**
 * Rebuilds the networks of a bundle of `format` for inference and returns its settings unchecked.
 * `weights` may be a view into a larger buffer (an S3 read usually is).
 */
export async function unpackNetworks(
  format: string,
  artifacts: ModelArtifacts,
): Promise<{ settings: unknown; networks: tfl.LayersModel[] }> {
  let json: unknown;
  try {
    json = JSON.parse(artifacts.modelJson);
  } catch (error) {
    throw new NetworkBundleError('modelJson is not valid JSON', { cause: error });
  }
  const parsed = bundleSchema.safeParse(json);
  if (!parsed.success || parsed.data.format !== format) {
    throw new NetworkBundleError(`modelJson is not a ${format} bundle`, { cause: parsed.error });
  }
  const bundle = parsed.data;
  if (bundle.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new NetworkBundleError(
      `the bundle has format version ${bundle.formatVersion}; this build reads version ${BUNDLE_FORMAT_VERSION}`,
    );
  }
  const sizes = bundle.networks.map((n) => weightBytes(n.weightSpecs));
  const expected = sizes.reduce((a, b) => a + b, 0);
  if (artifacts.weights.byteLength !== expected) {
    throw new NetworkBundleError(
      `weights are ${artifacts.weights.byteLength} bytes but the weight specs need ${expected}; the JSON and the weights probably come from different saves`,
    );
  }
  await initTensorflow();
  const networks: tfl.LayersModel[] = [];
  let offset = artifacts.weights.byteOffset;
  try {
    for (const [i, n] of bundle.networks.entries()) {
      const size = sizes[i] as number;
      const weightData = artifacts.weights.buffer.slice(offset, offset + size) as ArrayBuffer;
      offset += size;
      networks.push(
        await tfl.loadLayersModel(
          tf.io.fromMemory({
            modelTopology: n.modelTopology,
            weightSpecs: n.weightSpecs as tf.io.WeightsManifestEntry[],
            weightData,
          }),
        ),
      );
    }
  } catch (error) {
    for (const network of networks) network.dispose();
    throw new NetworkBundleError('tfjs could not rebuild a network of the bundle', { cause: error });
  }
  return { settings: bundle.settings, networks };
}
