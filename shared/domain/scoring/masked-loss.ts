import * as tf from '@tensorflow/tfjs-core';
// The slim tfjs-core registers no gradients; tfjs-layers registers them all, and training needs them.
import '@tensorflow/tfjs-layers';

/** Marks a head whose arm a row did not receive; the loss ignores it. */
export const UNOBSERVED = -1;

// Same clipping as the metrics' log loss, so the training objective and the reported one agree.
const EPSILON = 1e-7;

/**
 * Builds the training target, rows × (arms + 1): the label at the column of the arm the row received,
 * UNOBSERVED elsewhere. The target has the model output's shape, which tfjs-layers requires.
 */
export function encodeTargets(arm: ArrayLike<number>, label: ArrayLike<number>, arms: number): Float32Array {
  const width = arms + 1;
  const target = new Float32Array(arm.length * width).fill(UNOBSERVED);
  for (let row = 0; row < arm.length; row++) {
    target[row * width + (arm[row] as number)] = label[row] as number;
  }
  return target;
}

/**
 * Binary cross-entropy over observed heads only (mask = yTrue ≥ 0), summed per row: with exactly one
 * observed head per row this is that head's cross-entropy, so tfjs-layers' mean over the batch is the
 * ordinary per-customer log loss and probabilities stay calibrated. Unobserved heads get no gradient:
 * a customer who got arm 2 says nothing about what arm 1 would have done.
 * Signature follows tfjs-layers' custom loss contract `(yTrue, yPred) => Tensor`, shape [batch].
 */
export function maskedBinaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const mask = tf.cast(tf.greaterEqual(yTrue, 0), 'float32');
    const y = tf.mul(yTrue, mask);
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    const positive = tf.mul(y, tf.log(p));
    const negative = tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)));
    const crossEntropy = tf.neg(tf.add(positive, negative));
    return tf.sum(tf.mul(crossEntropy, mask), -1);
  });
}
