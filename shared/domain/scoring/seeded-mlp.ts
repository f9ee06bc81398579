import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ResponseModelError } from './errors';
import { permutation, seededRandom } from './split';

/** A small fully connected network: ReLU hidden layers, then one dense output layer. */
export interface MlpSpec {
  inputs: number;
  hiddenUnits: readonly number[];
  outputs: number;
  outputActivation: 'sigmoid' | 'linear';
  /** L2 penalty on every kernel; 0 disables. */
  l2: number;
  seed: number;
  /** Starting bias of each output unit (e.g. the base rate's logit); zeros when absent. */
  outputBias?: readonly number[];
}

export interface SeededFitOptions {
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch row order. */
  seed: number;
  learningRate: number;
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
}

const MAX_SEED = 0x7fffffff;
// wasm pays a large fixed cost per batch; a batch of 32768 × 32 float32 activations is only 4 MB.
const PREDICT_BATCH_SIZE = 32768;

/** Builds the network with seeded Glorot weights, as `response-model.ts` does. */
export function buildMlp(spec: MlpSpec): tfl.Sequential {
  const network = tfl.sequential();
  const units = [...spec.hiddenUnits, spec.outputs];
  units.forEach((n, i) => {
    const isOutput = i === units.length - 1;
    network.add(
      tfl.layers.dense({
        units: n,
        activation: isOutput ? spec.outputActivation : 'relu',
        ...(i === 0 ? { inputShape: [spec.inputs] } : {}),
        // Seeded per layer: one shared seed would give same-shaped layers identical starting weights.
        kernelInitializer: tfl.initializers.glorotUniform({ seed: (spec.seed + i) % MAX_SEED }),
        biasInitializer: 'zeros',
        ...(spec.l2 > 0 ? { kernelRegularizer: tfl.regularizers.l2({ l2: spec.l2 }) } : {}),
      }),
    );
  });
  if (spec.outputBias !== undefined) {
    const bias = network.layers[network.layers.length - 1]?.weights[1];
    if (bias === undefined || spec.outputBias.length !== spec.outputs) {
      network.dispose();
      throw new ResponseModelError(`the output layer takes ${spec.outputs} starting biases`);
    }
    const values = tf.tensor1d([...spec.outputBias]);
    bias.write(values);
    values.dispose();
  }
  return network;
}

/**
 * Compiles and trains `network` on row-major `x` (rows × inputs) and `y` (rows × outputs) with Adam,
 * reordering the rows each epoch from `seed` (tfjs's own `shuffle: true` draws from Math.random).
 * Throws `ResponseModelError` when the loss stops being finite.
 */
export async function fitSeeded(
  network: tfl.LayersModel,
  x: Float32Array,
  y: Float32Array,
  rows: number,
  options: SeededFitOptions,
): Promise<void> {
  const width = x.length / rows;
  const outputs = y.length / rows;
  const optimizer = tf.train.adam(options.learningRate);
  const rng = seededRandom(options.seed);
  const xEpoch = new Float32Array(x.length);
  const yEpoch = new Float32Array(y.length);
  try {
    network.compile({ optimizer, loss: options.loss });
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = permutation(rows, rng);
      order.forEach((row, i) => {
        xEpoch.set(x.subarray(row * width, (row + 1) * width), i * width);
        yEpoch.set(y.subarray(row * outputs, (row + 1) * outputs), i * outputs);
      });
      const xs = tf.tensor2d(xEpoch, [rows, width]);
      const ys = tf.tensor2d(yEpoch, [rows, outputs]);
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
          throw new ResponseModelError(
            `the training loss became ${loss} in epoch ${epoch + 1}; lower the learning rate (now ${options.learningRate})`,
          );
        }
      } finally {
        xs.dispose();
        ys.dispose();
      }
    }
  } finally {
    // The network does not own an optimizer it was handed, and inference never needs Adam's moments.
    optimizer.dispose();
  }
}

/** The network's outputs for `rows` rows of already-scaled inputs, row-major, copied out of tfjs. */
export function predictMlp(network: tfl.LayersModel, x: Float32Array, rows: number): Float32Array {
  if (rows === 0) return new Float32Array(0);
  const out = tf.tidy(
    () =>
      network.predict(tf.tensor2d(x, [rows, x.length / rows]), {
        batchSize: PREDICT_BATCH_SIZE,
      }) as tf.Tensor,
  );
  // Copied outside tidy(): tidy() searches what its callback returns for tensors, and walks a typed
  // array element by element (seconds per million rows). Copy: on wasm, dataSync() may be a view of
  // backend memory that is reused once the tensor is freed.
  try {
    return new Float32Array(out.dataSync());
  } finally {
    out.dispose();
  }
}
