import { z } from 'zod';
import { adapters } from '#shared/adapters/aws/factories';
import { apiRoutes } from '#shared/api/routes';
import { requireEnv } from '#shared/lambda/config';
import { httpRoute } from '#shared/lambda/http-route';
import { listRuns } from '#shared/use-cases/api/list-runs';

const env = requireEnv(['runsTable']);
const runs = adapters.runRepository(env.runsTable);
const query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const handler = httpRoute(apiRoutes.listRuns, { query }, async ({ query, principal }) => ({
  status: 200,
  body: await listRuns(runs, principal, query.limit, query.cursor),
}));
