import { z } from 'zod';

const price = z.number().nonnegative();

/** AWS list prices the cost report uses; deployments pass their own region's table. */
export const priceTable = z.object({
  region: z.string(),
  currency: z.string().length(3),
  effectiveDate: z.iso.date(),
  source: z.string(),
  lambda: z.object({ perGbSecond: price, perMillionRequests: price }),
  stepFunctions: z.object({ perThousandTransitions: price }),
  athena: z.object({ perTerabyteScanned: price, minimumBytesPerQuery: z.number().int().nonnegative() }),
  s3: z.object({ perThousandPutRequests: price, perThousandGetRequests: price, perGbMonth: price }),
  dynamodb: z.object({ perMillionWriteUnits: price, perMillionReadUnits: price }),
});
export type PriceTable = z.infer<typeof priceTable>;
