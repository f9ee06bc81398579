import { z } from 'zod';
import { adapters } from '#shared/adapters/aws/factories';
import { apiRoutes } from '#shared/api/routes';
import { runId } from '#shared/domain/runs/run-state';
import { requireEnv } from '#shared/lambda/config';
import { httpRoute } from '#shared/lambda/http-route';
import { getCostReport } from '#shared/use-cases/api/get-cost-report';

const env = requireEnv(['runsTable', 'lakeBucket']);
const deps = {
  runs: adapters.runRepository(env.runsTable),
  store: adapters.objectStore(),
  lakeBucket: env.lakeBucket,
};

export const handler = httpRoute(
  apiRoutes.getCostReport,
  { path: z.object({ runId }) },
  async ({ path, principal }) => ({
    status: 200,
    body: await getCostReport(deps, path.runId, principal),
  }),
);
