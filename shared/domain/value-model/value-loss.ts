import * as tf from '@tensorflow/tfjs-core';
// The slim tfjs-core registers no gradients; tfjs-layers registers them all, and training needs them.
import '@tensorflow/tfjs-layers';

/**
 * How the point estimate is trained on a heavy-tailed, zero-inflated revenue target:
 * - `poisson`: log link, Poisson deviance on revenue / training mean; estimates E[revenue] directly
 *   and extrapolates multiplicatively to big spenders (the loss gradient-boosting libraries use for
 *   such targets).
 * - `log-mse`: squared error on log1p(revenue), back-transformed with Duan's smearing factor; robust
 *   to whales, but the back-transform is biased when the spread varies between customers.
 * - `huber`: Huber loss on revenue / training mean, linear output; robust, but shrinks the tail.
 */
export type PointLoss = 'poisson' | 'log-mse' | 'huber';

// exp(20) × the mean revenue is far beyond any customer; the clip only guards the first steps.
const MAX_LOG_RATE = 20;

/**
 * The loss of a network whose output column 0 is the point estimate (on the scale `encodeValueTargets`
 * puts it) and columns 1..q are quantiles of log1p(revenue), trained with the pinball loss. Quantiles
 * of log1p(revenue) are exactly log1p of revenue's quantiles (the map is monotone), so no correction
 * is needed on the way back. tfjs-layers' custom loss contract `(yTrue, yPred) => Tensor`, shape [batch].
 */
export function valueLoss(pointLoss: PointLoss, quantiles: readonly number[], huberDelta = 1) {
  const levels = tf.tensor1d([...quantiles]);
  // tfjs-layers keeps the loss for the model's lifetime; `levels` is a few bytes and is never disposed.
  tf.keep(levels);
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const width = quantiles.length;
      const pointTrue = tf.slice(yTrue, [0, 0], [-1, 1]);
      const pointPred = tf.slice(yPred, [0, 0], [-1, 1]);
      let point: tf.Tensor;
      switch (pointLoss) {
        case 'poisson': {
          const f = tf.minimum(pointPred, MAX_LOG_RATE);
          point = tf.sub(tf.exp(f), tf.mul(pointTrue, f));
          break;
        }
        case 'log-mse':
          point = tf.square(tf.sub(pointPred, pointTrue));
          break;
        case 'huber': {
          const error = tf.abs(tf.sub(pointPred, pointTrue));
          const quadratic = tf.minimum(error, huberDelta);
          point = tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(huberDelta, tf.sub(error, quadratic)));
          break;
        }
      }
      const total = tf.sum(point, -1);
      if (width === 0) return total;
      const error = tf.sub(tf.slice(yTrue, [0, 1], [-1, width]), tf.slice(yPred, [0, 1], [-1, width]));
      // Pinball: q·e when under-predicting, (q − 1)·e when over-predicting.
      const pinball = tf.maximum(tf.mul(levels, error), tf.mul(tf.sub(levels, 1), error));
      return tf.add(total, tf.sum(pinball, -1));
    });
}

/**
 * The training target, rows × (1 + quantiles): column 0 the point target (revenue / scale for
 * `poisson` and `huber`, log1p(revenue) for `log-mse`), then log1p(revenue) once per quantile head.
 */
export function encodeValueTargets(
  target: ArrayLike<number>,
  pointLoss: PointLoss,
  scale: number,
  quantileCount: number,
): Float32Array {
  const width = 1 + quantileCount;
  const out = new Float32Array(target.length * width);
  for (let i = 0; i < target.length; i++) {
    const y = target[i] as number;
    const log = Math.log1p(y);
    out[i * width] = pointLoss === 'log-mse' ? log : y / scale;
    for (let q = 1; q < width; q++) out[i * width + q] = log;
  }
  return out;
}
