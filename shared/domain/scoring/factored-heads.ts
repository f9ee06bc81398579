import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ResponseModelError } from './errors';

/**
 * Which offer and which channel each treatment arm sends, as 0-based indexes: `offer[a]` and
 * `channel[a]` describe arm a + 1 (arm 0 is control).
 */
export interface ArmFactors {
  readonly offer: readonly number[];
  readonly channel: readonly number[];
}

/** Numbers each arm's offer and channel in order of first appearance. */
export function armFactorsOf(arms: readonly { offerId: string; channelId: string }[]): ArmFactors {
  const offers = [...new Set(arms.map((a) => a.offerId))];
  const channels = [...new Set(arms.map((a) => a.channelId))];
  return {
    offer: arms.map((a) => offers.indexOf(a.offerId)),
    channel: arms.map((a) => channels.indexOf(a.channelId)),
  };
}

export interface FactoredSpec {
  inputs: number;
  hiddenUnits: readonly number[];
  factors: ArmFactors;
  /** L2 penalty on every trainable kernel; 0 disables. */
  l2: number;
  seed: number;
  /** Starting logit of each output, control first (e.g. each arm's training response rate). */
  outputBias: readonly number[];
}

const MAX_SEED = 0x7fffffff;
// softplus(0): the reach every channel starts at, which the appeal biases divide by.
const START_REACH = Math.log(2);

/**
 * A response network whose arm effects factor into a channel's reach and an offer's appeal:
 *
 *   logit P(response | control) = c(x)
 *   logit P(response | offer o on channel c) = c(x) + reach_c(x) × appeal_o(x, level)
 *
 * with reach_c ≥ 0 (softplus) and appeal_o signed, all read from one shared ReLU trunk. A head per
 * arm learns each offer × channel pair from that pair's contacts alone, a few hundred each in a
 * typical history; here every contact on a channel trains its reach and every contact with an offer
 * its appeal, so each head sees several arms' rows. What it gives up is an effect particular to one
 * pair beyond the two factors, such as a segment that only resents one offer by one channel.
 *
 * Only built-in layers: the selection of each arm's factors is a fixed 0/1 dense layer, so the
 * network saves and reloads with `tfl.loadLayersModel` like any other. The output has the per-arm
 * network's shape, rows × (arms + 1) probabilities, control first.
 */
export function buildFactoredNetwork(spec: FactoredSpec): tfl.LayersModel {
  const arms = spec.factors.offer.length;
  if (spec.factors.channel.length !== arms || arms === 0) {
    throw new ResponseModelError(
      `arm factors: ${spec.factors.offer.length} offers and ${spec.factors.channel.length} channels given; each arm needs one of each`,
    );
  }
  if (spec.outputBias.length !== arms + 1) {
    throw new ResponseModelError(`the factored network takes ${arms + 1} starting biases`);
  }
  const offers = Math.max(...spec.factors.offer) + 1;
  const channels = Math.max(...spec.factors.channel) + 1;
  const regularizer = spec.l2 > 0 ? { kernelRegularizer: tfl.regularizers.l2({ l2: spec.l2 }) } : {};
  let layer = 0;
  const dense = (units: number, activation: 'relu' | 'linear' | 'softplus', name: string) =>
    tfl.layers.dense({
      units,
      activation,
      name,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: (spec.seed + layer++) % MAX_SEED }),
      biasInitializer: 'zeros',
      ...regularizer,
    });
  // Fixed 0/1 weights that copy each factor to the arms that use it; never trained, never penalised.
  // A layer copies its starting weights when it is built, so these are freed once the model is.
  const starting: tf.Tensor[] = [];
  const select = (from: number, to: readonly number[], name: string) => {
    const weights = tf.tensor2d(
      Array.from({ length: from }, (_, f) => to.map((t) => (t === f ? 1 : 0))),
      [from, to.length],
    );
    starting.push(weights);
    return tfl.layers.dense({ units: to.length, useBias: false, trainable: false, name, weights: [weights] });
  };

  const input = tfl.input({ shape: [spec.inputs], name: 'features' });
  let trunk: tfl.SymbolicTensor = input;
  spec.hiddenUnits.forEach((units, i) => {
    trunk = dense(units, 'relu', `trunk_${i}`).apply(trunk) as tfl.SymbolicTensor;
  });
  const controlLayer = dense(1, 'linear', 'control');
  const reachLayer = dense(channels, 'softplus', 'reach');
  const appealLayer = dense(offers, 'linear', 'appeal');
  const control = controlLayer.apply(trunk) as tfl.SymbolicTensor;
  const reach = reachLayer.apply(trunk) as tfl.SymbolicTensor;
  const appeal = appealLayer.apply(trunk) as tfl.SymbolicTensor;
  const effect = tfl.layers
    .multiply({ name: 'arm_effect' })
    .apply([
      select(channels, spec.factors.channel, 'arm_reach').apply(reach) as tfl.SymbolicTensor,
      select(offers, spec.factors.offer, 'arm_appeal').apply(appeal) as tfl.SymbolicTensor,
    ]) as tfl.SymbolicTensor;
  const armControl = select(
    1,
    spec.factors.offer.map(() => 0),
    'arm_control',
  ).apply(control) as tfl.SymbolicTensor;
  const armLogits = tfl.layers.add({ name: 'arm_logit' }).apply([armControl, effect]) as tfl.SymbolicTensor;
  const logits = tfl.layers.concatenate({ name: 'logits' }).apply([control, armLogits]) as tfl.SymbolicTensor;
  const output = tfl.layers.activation({ activation: 'sigmoid', name: 'response' }).apply(logits);
  const network = tfl.model({ inputs: input, outputs: output as tfl.SymbolicTensor });
  for (const weights of starting) weights.dispose();

  startAt(controlLayer, [spec.outputBias[0] as number]);
  startAt(appealLayer, appealBiases(spec.outputBias, spec.factors, offers));
  return network;
}

/**
 * Each offer's starting appeal: the mean over its arms of the arm's starting logit above control,
 * over the starting reach, so the untrained network already predicts each arm near its base rate.
 */
function appealBiases(outputBias: readonly number[], factors: ArmFactors, offers: number): number[] {
  const control = outputBias[0] as number;
  const sum = new Array<number>(offers).fill(0);
  const count = new Array<number>(offers).fill(0);
  factors.offer.forEach((o, a) => {
    sum[o] = (sum[o] as number) + ((outputBias[a + 1] as number) - control);
    count[o] = (count[o] as number) + 1;
  });
  return sum.map((s, o) => ((count[o] as number) === 0 ? 0 : s / (count[o] as number) / START_REACH));
}

function startAt(layer: ReturnType<typeof tfl.layers.dense>, bias: readonly number[]): void {
  const values = tf.tensor1d([...bias]);
  layer.weights[1]?.write(values);
  values.dispose();
}
