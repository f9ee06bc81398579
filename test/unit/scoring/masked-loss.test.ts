import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTargets,
  maskedBinaryCrossentropy,
  UNOBSERVED,
} from '../../../shared/domain/scoring/masked-loss';
import { initTensorflow } from '../../../shared/domain/scoring/tensorflow';

beforeAll(async () => {
  await initTensorflow();
});

describe('encodeTargets', () => {
  it('puts the label in the observed arm column and UNOBSERVED elsewhere', () => {
    const target = encodeTargets([0, 2, 1], [1, 0, 1], 2);
    const u = UNOBSERVED;
    expect(Array.from(target)).toEqual([1, u, u, u, u, 0, u, 1, u]);
  });
});

describe('maskedBinaryCrossentropy', () => {
  it('is the cross-entropy of the observed head only, per row', () => {
    const u = UNOBSERVED;
    const yTrue = tf.tensor2d([1, u, u, u, 0, u], [2, 3]);
    const yPred = tf.tensor2d([0.8, 0.01, 0.99, 0.3, 0.25, 0.7], [2, 3]);
    const loss = maskedBinaryCrossentropy(yTrue, yPred);
    expect(loss.shape).toEqual([2]);
    const [first, second] = Array.from(loss.dataSync());
    // Row 0 observed arm 0 with label 1: −ln 0.8. Row 1 observed arm 1 with label 0: −ln(1 − 0.25).
    expect(first).toBeCloseTo(-Math.log(0.8), 5);
    expect(second).toBeCloseTo(-Math.log(0.75), 5);
    tf.dispose([yTrue, yPred, loss]);
  });

  it('sends no gradient to the heads of arms a row did not receive', () => {
    const u = UNOBSERVED;
    const yTrue = tf.tensor2d([u, 1, u], [1, 3]);
    const yPred = tf.tensor2d([0.4, 0.5, 0.6], [1, 3]);
    const gradient = tf.grad((p: tf.Tensor) => tf.sum(maskedBinaryCrossentropy(yTrue, p)))(yPred);
    const [g0, g1, g2] = Array.from(gradient.dataSync());
    expect(g0).toBe(0);
    expect(g2).toBe(0);
    // d/dp of −ln p at p = 0.5.
    expect(g1).toBeCloseTo(-2, 4);
    tf.dispose([yTrue, yPred, gradient]);
  });

  it('stays finite for saturated predictions', () => {
    const yTrue = tf.tensor2d([1, 0], [1, 2]);
    const yPred = tf.tensor2d([0, 1], [1, 2]);
    const loss = maskedBinaryCrossentropy(yTrue, yPred);
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
    tf.dispose([yTrue, yPred, loss]);
  });
});
