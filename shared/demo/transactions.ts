import { SECONDS_PER_DAY } from './calendar';
import type { Offer } from './offers';
import { AFFINITY_PAIRS, type Catalogue } from './products';
import { cumulative, type Random } from './random';
import { BRANCHES, type CustomerTraits } from './world';

/** Baskets (receipts) and their lines; money in integer cents, times in seconds since 1970. */

export interface Line {
  readonly product: number;
  quantity: number;
  readonly unitPriceCents: number;
  discountCents: number;
}

export type BasketKind = 'organic' | 'conversion' | 'return';

export interface Basket {
  readonly ts: number;
  /** Index into SALES_CHANNELS: 0 online, 1 over_the_counter, 2 app. */
  readonly salesChannel: number;
  readonly branch: number | null;
  readonly lines: Line[];
  readonly kind: BasketKind;
}

export const MAX_LINES = 8;
const OVER_THE_COUNTER = 1;
const SHOP_OPENS = 8;
const SHOP_LAST_HOUR = 20;
const QUANTITIES = cumulative([0.72, 0.18, 0.06, 0.04]);
const PROMO_PCTS = [10, 15, 20, 25, 30, 50];
const PROMO_WEIGHTS = cumulative([0.3, 0.2, 0.2, 0.15, 0.1, 0.05]);
const BULKY_CENTS = 1500;
/** How often a basket line with an affinity partner is followed by that partner. */
const PAIR_CHANCE = 0.45;

/** Gross value (before line discounts) of a basket. */
export function grossCents(basket: Basket): number {
  let sum = 0;
  for (const l of basket.lines) sum += l.quantity * l.unitPriceCents;
  return sum;
}

/** Net value (what the customer paid) of a basket. */
export function netCents(basket: Basket): number {
  let sum = 0;
  for (const l of basket.lines) sum += l.quantity * l.unitPriceCents - l.discountCents;
  return sum;
}

/** Draws baskets from a customer's traits: category affinities, basket size, promotions, shop hours. */
export class BasketMaker {
  constructor(private readonly catalogue: Catalogue) {}

  /** A time on `day` inside shop hours (08:00-20:59), around the customer's preferred hour. */
  shopTime(rng: Random, traits: CustomerTraits, day: number): number {
    const hour = Math.min(
      SHOP_LAST_HOUR,
      Math.max(SHOP_OPENS, Math.round(rng.normal(traits.preferredHour, 1.8))),
    );
    return day * SECONDS_PER_DAY + hour * 3600 + rng.int(0, 3599);
  }

  /** A normal shopping trip; with `maxGrossCents`, lines that would reach it are left out (null if none fit). */
  organic(
    rng: Random,
    traits: CustomerTraits,
    ts: number,
    maxGrossCents = Number.POSITIVE_INFINITY,
  ): Basket | null {
    const basket = this.empty(rng, traits, ts, 'organic');
    const wanted = this.lineCount(rng, traits);
    let gross = 0;
    for (let k = 0; k < wanted; k++) {
      const line = this.line(rng, traits, this.drawProduct(rng, traits, basket.lines));
      if (gross + line.quantity * line.unitPriceCents >= maxGrossCents) {
        line.quantity = 1;
        line.discountCents = Math.min(line.discountCents, line.unitPriceCents);
        if (gross + line.unitPriceCents >= maxGrossCents) continue;
      }
      gross += line.quantity * line.unitPriceCents;
      basket.lines.push(line);
    }
    return basket.lines.length > 0 ? basket : null;
  }

  /**
   * The basket that converts a contact: at least `minGrossCents` gross, with the offer applied
   * (target-category lines for category offers, the discount mechanic of the offer's kind).
   */
  conversion(
    rng: Random,
    traits: CustomerTraits,
    ts: number,
    offer: Offer | null,
    minGrossCents: number,
  ): Basket {
    const basket = this.empty(rng, traits, ts, 'conversion');
    const { lines } = basket;
    if (offer?.targetCategory != null) {
      const targeted = offer.kind === 'buy_one_get_one' ? 1 + (rng.chance(0.4) ? 1 : 0) : rng.int(1, 3);
      const members = this.catalogue.byCategory[offer.targetCategory] ?? [];
      const weights = this.catalogue.popularityByCategory[offer.targetCategory] ?? new Float64Array();
      for (let k = 0; k < targeted; k++) {
        const product = members[rng.fromCumulative(weights)] ?? 0;
        if (lines.some((l) => l.product === product)) continue;
        const price = this.price(product);
        const line: Line =
          offer.kind === 'buy_one_get_one'
            ? { product, quantity: 2, unitPriceCents: price, discountCents: price }
            : { product, quantity: 1, unitPriceCents: price, discountCents: 0 };
        if (offer.kind !== 'buy_one_get_one') {
          line.discountCents = Math.round((price * offer.discountPct) / 100);
        }
        lines.push(line);
      }
    }
    const wanted = Math.min(MAX_LINES, this.lineCount(rng, traits) + 1);
    let gross = grossCents(basket);
    while (lines.length < MAX_LINES && (lines.length < wanted || gross < minGrossCents)) {
      const line = this.line(rng, traits, this.drawProduct(rng, traits, lines));
      lines.push(line);
      gross += line.quantity * line.unitPriceCents;
    }
    // A full basket still below the threshold buys more of its dearest item.
    while (gross < minGrossCents) {
      const dearest = lines.reduce((a, b) => (b.unitPriceCents > a.unitPriceCents ? b : a));
      dearest.quantity += 1;
      gross += dearest.unitPriceCents;
    }
    if (offer?.kind === 'retention_incentive') {
      for (const l of lines) {
        const offered = Math.round((l.quantity * l.unitPriceCents * offer.discountPct) / 100);
        l.discountCents = Math.max(l.discountCents, offered);
      }
    } else if (offer?.kind === 'amount_off' && offer.amountOffCents !== null) {
      let remaining = offer.amountOffCents;
      for (const l of lines) {
        const take = Math.min(remaining, l.quantity * l.unitPriceCents - l.discountCents);
        l.discountCents += take;
        remaining -= take;
      }
    }
    return basket;
  }

  /** A return receipt for part of an earlier line. */
  returnOf(rng: Random, original: Basket, line: Line, ts: number): Basket {
    return {
      ts,
      salesChannel: original.salesChannel,
      branch: original.branch,
      kind: 'return',
      lines: [
        {
          product: line.product,
          quantity: -rng.int(1, line.quantity),
          unitPriceCents: line.unitPriceCents,
          discountCents: 0,
        },
      ],
    };
  }

  private empty(rng: Random, traits: CustomerTraits, ts: number, kind: BasketKind): Basket {
    const salesChannel = rng.fromCumulative(traits.salesMix);
    let branch: number | null = null;
    if (salesChannel === OVER_THE_COUNTER) {
      const r = rng.uniform();
      // Mostly the home branch, sometimes another branch of the region, rarely anywhere.
      branch =
        r < 0.9
          ? traits.branch
          : r < 0.98
            ? traits.branch - (traits.branch % 4) + rng.int(0, 3)
            : rng.int(0, BRANCHES.length - 1);
    }
    return { ts, salesChannel, branch, lines: [], kind };
  }

  private lineCount(rng: Random, traits: CustomerTraits): number {
    return 1 + Math.min(MAX_LINES - 1, rng.poisson(0.5 + 1.1 * traits.spend));
  }

  private price(product: number): number {
    return this.catalogue.products[product]?.priceCents ?? 0;
  }

  private drawProduct(rng: Random, traits: CustomerTraits, taken: readonly Line[]): number {
    const partner = this.pairedProduct(rng, taken);
    if (partner !== null) return partner;
    let product = 0;
    // A few retries keep products distinct within a receipt without risking an endless loop.
    for (let attempt = 0; attempt < 4; attempt++) {
      const category = rng.fromCumulative(traits.affinityCumulative);
      const members = this.catalogue.byCategory[category] ?? [];
      const weights = this.catalogue.popularityByCategory[category] ?? new Float64Array();
      product = members[rng.fromCumulative(weights)] ?? 0;
      if (!taken.some((l) => l.product === product)) break;
    }
    return product;
  }

  /** With PAIR_CHANCE, a product that goes with the basket's last line (bread → butter), if any is free. */
  private pairedProduct(rng: Random, taken: readonly Line[]): number | null {
    const last = taken.at(-1);
    if (!last) return null;
    const partners = AFFINITY_PAIRS[this.catalogue.products[last.product]?.subcategory ?? ''];
    if (!partners || !rng.chance(PAIR_CHANCE)) return null;
    const members = this.catalogue.bySubcategory.get(rng.pick(partners)) ?? [];
    const free = members.filter((m) => !taken.some((l) => l.product === m));
    return free.length > 0 ? rng.pick(free) : null;
  }

  private line(rng: Random, traits: CustomerTraits, product: number): Line {
    const price = this.price(product);
    const quantity = price > BULKY_CENTS ? 1 : 1 + rng.fromCumulative(QUANTITIES);
    let discountCents = 0;
    // Price-sensitive customers pick promoted items more often: this is how sensitivity shows in the data.
    if (rng.chance(0.03 + 0.3 * traits.priceSensitivity)) {
      const pct = PROMO_PCTS[rng.fromCumulative(PROMO_WEIGHTS)] ?? 10;
      discountCents = Math.round((quantity * price * pct) / 100);
    }
    return { product, quantity, unitPriceCents: price, discountCents };
  }
}
