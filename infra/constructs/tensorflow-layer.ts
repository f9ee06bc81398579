import { existsSync } from 'node:fs';
import { Annotations } from 'aws-cdk-lib';
import { Architecture, Code, type ILayerVersion, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { fromRoot } from './repo-paths';

/** What `npm run build:layer` produces; Lambda mounts the zip's `nodejs/` at /opt/nodejs. */
export const TENSORFLOW_LAYER_BUILD = 'layers/tensorflow/build';

/**
 * The native TensorFlow backend for the functions that train models, when it has been built.
 * Building needs the internet and a linux/arm64 toolchain, so a synth without it still works: the
 * score function then runs on the bundled wasm backend (and falls back to cpu), and the synth says so.
 */
export function tensorflowLayer(
  scope: Construct,
  id: string,
  build: string = fromRoot(TENSORFLOW_LAYER_BUILD),
): ILayerVersion | undefined {
  if (!existsSync(`${build}/nodejs/node_modules/@tensorflow/tfjs-node`)) {
    Annotations.of(scope).addWarningV2(
      'campaign-optimizer:tensorflow-layer-missing',
      `${TENSORFLOW_LAYER_BUILD}/nodejs is not built, so functions with tensorflow: true run on the ` +
        'TF.js wasm backend. Run `npm run build:layer` (needs the internet) to deploy native TensorFlow.',
    );
    return undefined;
  }
  return new LayerVersion(scope, id, {
    description: '@tensorflow/tfjs-node (native TensorFlow) for Node.js 22 on arm64.',
    code: Code.fromAsset(build),
    compatibleRuntimes: [Runtime.NODEJS_22_X],
    compatibleArchitectures: [Architecture.ARM_64],
  });
}
