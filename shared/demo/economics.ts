import { Random } from './random';
import { QUALIFYING_BASKET_CENTS } from './response-model';
import { type BasketMaker, grossCents, netCents } from './transactions';
import type { CustomerTraits } from './world';

/** What a customer's baskets look like, estimated by drawing baskets the way the simulation does. */
export interface BasketEconomics {
  /** Share of the customer's ordinary baskets that reach the conversion threshold. */
  readonly qualifyingShare: number;
  /** Mean net value of the customer's converting basket, in the batch currency. */
  readonly responseValue: number;
}

const SHARE_SAMPLES = 32;
const VALUE_SAMPLES = 16;

/**
 * Monte Carlo over the customer's own basket distribution, from a stream of its own so the estimate
 * does not disturb the history. The share calibrates p_control to the organic shopping; the value is
 * truth.jsonl's value_of_response.
 */
export function basketEconomics(seed: number, maker: BasketMaker, traits: CustomerTraits): BasketEconomics {
  const rng = Random.stream(seed, 'economics', traits.index);
  let qualifying = 0;
  for (let k = 0; k < SHARE_SAMPLES; k++) {
    const basket = maker.organic(rng, traits, 0);
    if (basket && grossCents(basket) >= QUALIFYING_BASKET_CENTS) qualifying++;
  }
  let value = 0;
  for (let k = 0; k < VALUE_SAMPLES; k++) {
    value += netCents(maker.conversion(rng, traits, 0, null, QUALIFYING_BASKET_CENTS));
  }
  return {
    // Smoothed, so a customer whose sample held no big basket still has a small chance of one.
    qualifyingShare: (qualifying + 0.5) / (SHARE_SAMPLES + 1),
    responseValue: Math.round(value / VALUE_SAMPLES) / 100,
  };
}
