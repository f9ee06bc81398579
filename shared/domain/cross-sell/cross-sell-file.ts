import { z } from 'zod';

const productPair = z.object({
  productA: z.string(),
  productB: z.string(),
  labelA: z.string(),
  labelB: z.string(),
  together: z.number(),
  lift: z.number(),
  confidenceAToB: z.number(),
  confidenceBToA: z.number(),
});

/** `runs/{runId}/cross-sell.json`: the run's co-purchased pairs and new-offer suggestions. */
export const crossSellFile = z.object({
  pairs: z.array(productPair),
  suggestions: z.array(
    productPair.pick({
      productA: true,
      productB: true,
      labelA: true,
      labelB: true,
      together: true,
      lift: true,
    }),
  ),
});
export type CrossSellFile = z.infer<typeof crossSellFile>;
