import { z } from 'zod';
import { adapters } from '#shared/adapters/aws/factories';
import { apiRoutes } from '#shared/api/routes';
import { runId } from '#shared/domain/runs/run-state';
import { requireEnv } from '#shared/lambda/config';
import { httpRoute } from '#shared/lambda/http-route';
import { getRun } from '#shared/use-cases/api/get-run';

const env = requireEnv(['runsTable']);
const runs = adapters.runRepository(env.runsTable);

export const handler = httpRoute(
  apiRoutes.getRun,
  { path: z.object({ runId }) },
  async ({ path, principal }) => ({
    status: 200,
    body: await getRun(runs, path.runId, principal),
  }),
);
