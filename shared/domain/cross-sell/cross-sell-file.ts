import { z } from 'zod';

/** `runs/{runId}/cross-sell.json`: the run's co-purchased pairs and new-offer suggestions. */
export const crossSellFile = z.object({
  pairs: z.array(
    z.object({
      productA: z.string(),
      productB: z.string(),
      labelA: z.string(),
      labelB: z.string(),
      together: z.number(),
      lift: z.number(),
      confidenceAToB: z.number(),
      confidenceBToA: z.number(),
    }),
  ),
  suggestions: z.array(
    z.object({
      productA: z.string(),
      productB: z.string(),
      labelA: z.string(),
      labelB: z.string(),
      together: z.number(),
      lift: z.number(),
    }),
  ),
});
export type CrossSellFile = z.infer<typeof crossSellFile>;
