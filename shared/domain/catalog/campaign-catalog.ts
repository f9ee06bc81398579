import { z } from 'zod';
import { CONTACT_CHANNELS } from '../contracts/datasets';
import { offerEligibility } from '../contracts/offer-terms';

/**
 * What a run may offer, with the economics the allocator needs: the offers with the value of a
 * response and the margin earned on it, and the channels with their cost and capacity.
 */
export const catalogOffer = z.object({
  offerId: z.string(),
  name: z.string(),
  kind: z.string(),
  targetCategory: z.string().nullable(),
  targetProductId: z.string().nullable().default(null),
  /** The default discount level. */
  discountPct: z.number().min(0).max(100),
  /** Every level the offer may be sent at, the default included. */
  discountLevels: z.array(z.number().min(0).max(100)).default([]),
  /** Who may receive the offer; null = everyone. */
  eligibility: offerEligibility.nullable().default(null),
  validFrom: z.iso.date(),
  validTo: z.iso.date(),
  maxVolume: z.number().int().nullable(),
  /** Mean revenue of a converted response, from the batch's own campaign history. */
  valuePerResponse: z.number().nonnegative(),
  marginRate: z.number().min(-1).max(1),
  historicalConversions: z.number().int().nonnegative(),
});
export type CatalogOffer = z.infer<typeof catalogOffer>;

export const catalogChannel = z.object({
  channelId: z.enum(CONTACT_CHANNELS),
  costPerContact: z.number().nonnegative(),
  capacityPerDay: z.number().int().nonnegative(),
  /**
   * Hours the randomized history sent at on this channel, most used first: the send times a plan
   * may choose from. Empty for a channel that is not timed (letters) or never sent on.
   */
  sendHours: z.array(z.number().int().min(0).max(23)).default([]),
});
export type CatalogChannel = z.infer<typeof catalogChannel>;

export const campaignCatalog = z.object({
  asOf: z.iso.date(),
  offers: z.array(catalogOffer),
  channels: z.array(catalogChannel),
  categories: z.array(z.string()),
});
export type CampaignCatalog = z.infer<typeof campaignCatalog>;
