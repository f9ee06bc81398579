/**
 * A small fully connected TF.js network fitted on standardised inputs: logistic regression when it has
 * no hidden layer, an MLP otherwise. The building block every uplift learner here composes.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { permutation, seededRandom } from '../scoring/split';
import { initTensorflow } from '../scoring/tensorflow';
import { UpliftError } from './errors';

export interface DenseNetworkOptions {
  seed: number;
  /** Units of the ReLU layers; [] = logistic (or linear) regression. */
  hiddenUnits: readonly number[];
  epochs: number;
  batchSize: number;
  /** Adam learning rate. */
  learningRate: number;
  /** L2 penalty on every kernel; 0 disables. */
  l2: number;
  /**
   * 'binary': sigmoid output, cross-entropy, targets 0/1 (a response probability).
   * 'regression': linear output, squared error, any finite target (an imputed effect, a transformed outcome).
   */
  task: 'binary' | 'regression';
}

export interface DenseNetwork {
  /** One prediction per row of `features` (rows × featureCount, already standardised). */
  predict(features: Float32Array, rows: number): Float32Array;
  dispose(): void;
}

const MAX_SEED = 0x7fffffff;
// wasm pays a large fixed cost per call; big prediction batches keep scoring cheap.
const PREDICT_BATCH_SIZE = 32768;

/**
 * Fits the network, deterministic for a given seed on a given backend: the initial weights and every
 * epoch's row order come from `seed` (tfjs's own `shuffle` would draw from Math.random).
 *
 * @throws UpliftError on mismatched shapes, non-finite targets or a diverging loss.
 */
export async function trainDenseNetwork(
  features: Float32Array,
  targets: Float32Array,
  featureCount: number,
  options: DenseNetworkOptions,
): Promise<DenseNetwork> {
  const rows = targets.length;
  if (rows === 0) throw new UpliftError('cannot train a network on zero rows');
  if (features.length !== rows * featureCount) {
    throw new UpliftError(`features has ${features.length} values; ${rows} rows × ${featureCount} need more`);
  }
  let mean = 0;
  for (let i = 0; i < rows; i++) {
    const y = targets[i] as number;
    if (!Number.isFinite(y) || (options.task === 'binary' && y !== 0 && y !== 1)) {
      throw new UpliftError(
        `target[${i}] is ${y}; a ${options.task} network needs ${options.task === 'binary' ? '0 or 1' : 'a finite number'}`,
      );
    }
    mean += y / rows;
  }
  await initTensorflow();
  const rng = seededRandom(options.seed);
  const initSeed = uniformInt(rng, 0, MAX_SEED);
  const network = tfl.sequential();
  const units = [...options.hiddenUnits, 1];
  units.forEach((n, i) => {
    const last = i === units.length - 1;
    network.add(
      tfl.layers.dense({
        units: n,
        activation: last ? (options.task === 'binary' ? 'sigmoid' : 'linear') : 'relu',
        ...(i === 0 ? { inputShape: [featureCount] } : {}),
        kernelInitializer: tfl.initializers.glorotUniform({ seed: (initSeed + i) % MAX_SEED }),
        ...(options.l2 > 0 ? { kernelRegularizer: tfl.regularizers.l2({ l2: options.l2 }) } : {}),
      }),
    );
  });
  // Start at the base rate (or mean): a 10% response rate from a zero bias wastes epochs getting there.
  const bias = network.layers.at(-1)?.weights[1];
  if (bias === undefined) throw new UpliftError('the output layer has no bias to initialise');
  const clipped = Math.min(Math.max(mean, 1e-4), 1 - 1e-4);
  const start = tf.tensor1d([options.task === 'binary' ? Math.log(clipped / (1 - clipped)) : mean]);
  bias.write(start);
  start.dispose();

  const optimizer = tf.train.adam(options.learningRate);
  try {
    network.compile({
      optimizer,
      loss: options.task === 'binary' ? 'binaryCrossentropy' : 'meanSquaredError',
    });
    const xEpoch = new Float32Array(features.length);
    const yEpoch = new Float32Array(rows);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      permutation(rows, rng).forEach((row, i) => {
        xEpoch.set(features.subarray(row * featureCount, (row + 1) * featureCount), i * featureCount);
        yEpoch[i] = targets[row] as number;
      });
      const xs = tf.tensor2d(xEpoch, [rows, featureCount]);
      const ys = tf.tensor2d(yEpoch, [rows, 1]);
      try {
        const history = await network.fit(xs, ys, {
          epochs: 1,
          batchSize: options.batchSize,
          shuffle: false,
          verbose: 0,
          yieldEvery: 'never',
        });
        const loss = history.history.loss?.[0];
        if (typeof loss === 'number' && !Number.isFinite(loss)) {
          throw new UpliftError(
            `the training loss became ${loss} in epoch ${epoch + 1}; lower the learning rate`,
          );
        }
      } finally {
        xs.dispose();
        ys.dispose();
      }
    }
  } catch (error) {
    network.dispose();
    if (error instanceof UpliftError) throw error;
    throw new UpliftError('training the network failed', { cause: error });
  } finally {
    optimizer.dispose();
  }

  let disposed = false;
  return {
    predict(x: Float32Array, n: number): Float32Array {
      if (disposed) throw new UpliftError('the network was disposed');
      if (x.length !== n * featureCount) {
        throw new UpliftError(
          `features has ${x.length} values; ${n} rows × ${featureCount} need ${n * featureCount}`,
        );
      }
      if (n === 0) return new Float32Array(0);
      return tf.tidy(() => {
        const y = network.predict(tf.tensor2d(x, [n, featureCount]), {
          batchSize: PREDICT_BATCH_SIZE,
        }) as tf.Tensor;
        // Copy: on wasm, dataSync() may be a view of backend memory that is reused after tidy().
        return Float32Array.from(y.dataSync());
      });
    },
    dispose(): void {
      if (!disposed) network.dispose();
      disposed = true;
    },
  };
}
