import type { CatalogOffer } from '../catalog/campaign-catalog';

/** A model head: one offer on one channel. Index 1-based in the model's output (0 = control). */
export interface ArmRef {
  readonly offerId: string;
  readonly channelId: string;
}

/** What the plan may send: an offer on a channel at one discount level, scored by one model head. */
export interface ScoredAction {
  /** `'<offer_id>|<channel_id>|<discount_pct>'`. */
  readonly actionId: string;
  readonly offerId: string;
  readonly channelId: string;
  readonly discountPct: number;
  /** The model head that scores it: 1-based, as in the model's output (0 = control). */
  readonly arm: number;
}

export const actionIdOf = (offerId: string, channelId: string, discountPct: number): string =>
  `${offerId}|${channelId}|${discountPct}`;

/**
 * The actions a run scores: every arm at every discount level its offer allows today and the
 * randomized history tried. A level the history never sent would be an extrapolation the model
 * cannot back, so it is left out, unless the history tried none of today's levels (e.g. the offer's
 * terms changed), when the offer's allowed levels are scored as they are.
 *
 * @param observedLevels discount levels each offer was sent at in the history, by offer id
 */
export function scoredActions(
  arms: readonly ArmRef[],
  offers: readonly CatalogOffer[],
  observedLevels: ReadonlyMap<string, ReadonlySet<number>>,
): ScoredAction[] {
  const offerById = new Map(offers.map((o) => [o.offerId, o]));
  return arms.flatMap((arm, i) => {
    const offer = offerById.get(arm.offerId);
    if (!offer) return [];
    const allowed = offer.discountLevels.length > 0 ? offer.discountLevels : [offer.discountPct];
    const observed = observedLevels.get(arm.offerId);
    const tried = allowed.filter((level) => observed?.has(level));
    const levels = [...new Set(tried.length > 0 ? tried : allowed)].sort((a, b) => a - b);
    return levels.map(
      (discountPct): ScoredAction => ({
        actionId: actionIdOf(arm.offerId, arm.channelId, discountPct),
        offerId: arm.offerId,
        channelId: arm.channelId,
        discountPct,
        arm: i + 1,
      }),
    );
  });
}

/**
 * The model's extra input beside the customer's features: the discount level as a fraction, 0 for
 * the control group. With it the heads learn one response curve over levels instead of one head
 * per level, which a history of a few hundred contacts per level could not support.
 */
export const levelInput = (discountPct: number): number => discountPct / 100;

/**
 * Copies `rows × width` features into `rows × (width + 1)`, with `level` in the last column of
 * every row (or `levels[row]` when given per row).
 */
export function withLevelColumn(
  features: Float32Array,
  rows: number,
  width: number,
  level: number | ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(rows * (width + 1));
  for (let row = 0; row < rows; row++) {
    out.set(features.subarray(row * width, (row + 1) * width), row * (width + 1));
    out[row * (width + 1) + width] = typeof level === 'number' ? level : (level[row] as number);
  }
  return out;
}
