import { ChurnModelError } from './errors';

/** Platt scaling: P(y = 1 | score s) = 1 / (1 + exp(−(a·s + b))). */
export interface PlattScaling {
  a: number;
  b: number;
}

const MAX_ITERATIONS = 100;
const TOLERANCE = 1e-10;

/**
 * Fits Platt scaling by Newton's method on the log loss, with Platt's (1999) smoothed targets
 * ((N₊ + 1)/(N₊ + 2) for positives, 1/(N₋ + 2) for negatives) so that separable scores give finite
 * a and b. `scores` should be out-of-sample (out-of-fold or validation) logits: fitted on training
 * scores the map would only learn how much the network overfits.
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): PlattScaling {
  const n = scores.length;
  if (labels.length !== n) throw new ChurnModelError(`Platt: ${n} scores for ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new ChurnModelError(`Platt: label ${i} is ${y}; expected 0 or 1`);
    if (!Number.isFinite(scores[i])) throw new ChurnModelError(`Platt: score ${i} is ${scores[i]}`);
    positives += y;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new ChurnModelError(`Platt scaling needs both classes (got ${positives} positives of ${n})`);
  }
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const target = (i: number) => (labels[i] === 1 ? hi : lo);

  let a = 1;
  let b = 0;
  let loss = plattLoss(scores, target, a, b);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    // Gradient and Hessian of the mean log loss in (a, b).
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i] as number;
      const p = sigmoid(a * s + b);
      const d = p - target(i);
      const w = p * (1 - p);
      ga += d * s;
      gb += d;
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    // A tiny ridge keeps the step defined when the scores are (nearly) constant.
    haa += 1e-12;
    hbb += 1e-12;
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Backtracking: a full Newton step can overshoot where the loss is far from quadratic.
    let step = 1;
    let next = plattLoss(scores, target, a - step * da, b - step * db);
    while (next > loss && step > 1e-8) {
      step /= 2;
      next = plattLoss(scores, target, a - step * da, b - step * db);
    }
    if (next > loss) break;
    a -= step * da;
    b -= step * db;
    const improvement = loss - next;
    loss = next;
    if (improvement < TOLERANCE) break;
  }
  return { a, b };
}

/** Calibrated probabilities of `scores`. */
export function applyPlatt(platt: PlattScaling, scores: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: scores.length }, (_, i) =>
    sigmoid(platt.a * (scores[i] as number) + platt.b),
  );
}

function plattLoss(scores: ArrayLike<number>, target: (i: number) => number, a: number, b: number): number {
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    const z = a * (scores[i] as number) + b;
    const t = target(i);
    // log(1 + e^z) − t·z, written to stay finite for large |z|.
    total += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - t * z;
  }
  return total / scores.length;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
