import { z } from 'zod';
import { CONTACT_CHANNELS } from '../contracts/datasets';

/**
 * What a run may offer, with the economics the allocator needs: the offers with the value of a
 * response and the margin earned on it, and the channels with their cost and capacity.
 */
export const catalogOffer = z.object({
  offerId: z.string(),
  name: z.string(),
  kind: z.string(),
  targetCategory: z.string().nullable(),
  discountPct: z.number().min(0).max(100),
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
});
export type CatalogChannel = z.infer<typeof catalogChannel>;

export const campaignCatalog = z.object({
  asOf: z.iso.date(),
  offers: z.array(catalogOffer),
  channels: z.array(catalogChannel),
  categories: z.array(z.string()),
});
export type CampaignCatalog = z.infer<typeof campaignCatalog>;
