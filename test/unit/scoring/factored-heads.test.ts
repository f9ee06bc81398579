import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { armFactorsOf, buildFactoredNetwork } from '../../../shared/domain/scoring/factored-heads';
import { predictMlp } from '../../../shared/domain/scoring/seeded-mlp';
import { initTensorflow } from '../../../shared/domain/scoring/tensorflow';

const logit = (p: number) => Math.log(p / (1 - p));

beforeAll(async () => {
  vi.stubEnv('TFJS_BACKEND', 'wasm');
  await initTensorflow();
});
afterAll(() => vi.unstubAllEnvs());

describe('armFactorsOf', () => {
  it('numbers offers and channels in order of first appearance', () => {
    expect(
      armFactorsOf([
        { offerId: 'WIN', channelId: 'sms' },
        { offerId: 'FRESH', channelId: 'sms' },
        { offerId: 'WIN', channelId: 'email' },
      ]),
    ).toEqual({ offer: [0, 1, 0], channel: [0, 0, 1] });
  });
});

describe('buildFactoredNetwork', () => {
  // Two offers on two channels: arm 1 = (o0, c0), 2 = (o1, c0), 3 = (o0, c1), 4 = (o1, c1).
  const factors = { offer: [0, 1, 0, 1], channel: [0, 0, 1, 1] };
  const outputBias = [-2.5, -2.0, -2.4, -1.5, -2.6];
  let network: ReturnType<typeof buildFactoredNetwork>;
  beforeAll(() => {
    network = buildFactoredNetwork({ inputs: 3, hiddenUnits: [8], factors, l2: 0, seed: 3, outputBias });
  });
  afterAll(() => network.dispose());

  it('gives each arm the control logit plus its channel reach × its offer appeal', () => {
    const rows = 50;
    const x = Float32Array.from({ length: rows * 3 }, (_, i) => Math.sin(i * 1.7) * 2);
    const p = predictMlp(network, x, rows);
    let spread = 0;
    for (let r = 0; r < rows; r++) {
      const effect = (a: number) => logit(p[r * 5 + a] as number) - logit(p[r * 5] as number);
      // Rank one: reach_c0 appeal_o0 × reach_c1 appeal_o1 = reach_c0 appeal_o1 × reach_c1 appeal_o0.
      expect(effect(1) * effect(4)).toBeCloseTo(effect(2) * effect(3), 3);
      spread += Math.abs(effect(1) - effect(2));
    }
    // Not trivially so: the arms do differ.
    expect(spread / rows).toBeGreaterThan(0.01);
  });

  it('starts each arm at the mean starting logit of its offer’s arms, where the trunk is silent', () => {
    // Zero inputs leave every ReLU at 0, so only the biases speak.
    const p = predictMlp(network, new Float32Array(3), 1);
    const control = outputBias[0] as number;
    const offerMean = (o: number) =>
      control +
      factors.offer.reduce((s, of, a) => s + (of === o ? (outputBias[a + 1] as number) - control : 0), 0) / 2;
    expect(logit(p[0] as number)).toBeCloseTo(control, 4);
    factors.offer.forEach((o, a) => {
      expect(logit(p[a + 1] as number)).toBeCloseTo(offerMean(o), 4);
    });
  });

  it('trains only its own layers: the arm selections stay fixed 0/1 copies', () => {
    const fixed = network.layers.filter((l) => l.name.startsWith('arm_') && l.weights.length > 0);
    expect(fixed.map((l) => l.name).sort()).toEqual(['arm_appeal', 'arm_control', 'arm_reach']);
    for (const layer of fixed) {
      expect(layer.trainable).toBe(false);
      const values = tf.tidy(() => Array.from(layer.getWeights()[0]?.dataSync() ?? []));
      expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    }
  });

  it('leaves no tensor behind once disposed', () => {
    const before = tf.memory().numTensors;
    const other = buildFactoredNetwork({
      inputs: 3,
      hiddenUnits: [8],
      factors,
      l2: 0.01,
      seed: 4,
      outputBias,
    });
    other.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects factors that do not describe every arm', () => {
    expect(() =>
      buildFactoredNetwork({
        inputs: 3,
        hiddenUnits: [8],
        factors: { offer: [0, 1], channel: [0, 0, 1] },
        l2: 0,
        seed: 1,
        outputBias: [0, 0, 0, 0],
      }),
    ).toThrow(/2 offers and 3 channels given/);
  });
});
