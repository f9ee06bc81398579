import { z } from 'zod';
import { adapters } from '#shared/adapters/aws/factories';
import { apiRoutes } from '#shared/api/routes';
import { requireEnv } from '#shared/lambda/config';
import { httpRoute } from '#shared/lambda/http-route';
import { getCustomerRecommendations } from '#shared/use-cases/api/get-customer-recommendations';

const env = requireEnv(['runsTable', 'recommendationsTable']);
const deps = {
  runs: adapters.runRepository(env.runsTable),
  recommendations: adapters.recommendationRepository(env.recommendationsTable),
};
const path = z.object({ customerId: z.string().min(1).max(64) });

export const handler = httpRoute(apiRoutes.getCustomerRecommendations, { path }, async ({ path }) => ({
  status: 200,
  body: await getCustomerRecommendations(deps, path.customerId),
}));
