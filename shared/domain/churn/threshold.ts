import { ChurnModelError } from './errors';

/** A decision threshold and how it scored on the data it was chosen on. */
export interface ThresholdChoice {
  /** Predict "churns" when the probability is at or above this. */
  threshold: number;
  fBeta: number;
  precision: number;
  recall: number;
  beta: number;
}

/**
 * The probability threshold that maximises F-beta = (1 + β²)·P·R / (β²·P + R) on the given
 * (validation) predictions. β > 1 weighs recall above precision: with β = 2, missing a churner costs
 * as much as four false alarms, which suits a retention offer that is cheap next to a lost customer.
 * Every distinct probability is a candidate; among equal scores the highest threshold wins (fewest
 * customers flagged for the same F-beta).
 */
export function pickThreshold(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  beta = 2,
): ThresholdChoice {
  const n = probabilities.length;
  if (labels.length !== n)
    throw new ChurnModelError(`threshold: ${n} probabilities for ${labels.length} labels`);
  if (!(beta > 0)) throw new ChurnModelError(`threshold: beta must be positive, got ${beta}`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && labels[i] !== 1)
      throw new ChurnModelError(`threshold: label ${i} is ${labels[i]}`);
    if (!Number.isFinite(probabilities[i]))
      throw new ChurnModelError(`threshold: probability ${i} is not finite`);
    positives += labels[i] as number;
  }
  if (positives === 0) throw new ChurnModelError('threshold: the labels hold no positive to recall');

  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (probabilities[b] as number) - (probabilities[a] as number),
  );
  const b2 = beta * beta;
  let best: ThresholdChoice = {
    threshold: Number.POSITIVE_INFINITY,
    fBeta: 0,
    precision: 0,
    recall: 0,
    beta,
  };
  let flagged = 0;
  let hits = 0;
  for (let i = 0; i < n; ) {
    const threshold = probabilities[order[i] as number] as number;
    // Everyone tied at this probability is flagged together.
    while (i < n && probabilities[order[i] as number] === threshold) {
      flagged++;
      hits += labels[order[i] as number] as number;
      i++;
    }
    const precision = hits / flagged;
    const recall = hits / positives;
    const fBeta = hits === 0 ? 0 : ((1 + b2) * precision * recall) / (b2 * precision + recall);
    if (fBeta > best.fBeta) best = { threshold, fBeta, precision, recall, beta };
  }
  return best;
}
