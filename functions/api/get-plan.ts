import { z } from 'zod';
import { adapters } from '#shared/adapters/aws/factories';
import { apiRoutes } from '#shared/api/routes';
import { runId } from '#shared/domain/runs/run-state';
import { requireEnv } from '#shared/lambda/config';
import { httpRoute } from '#shared/lambda/http-route';
import { getPlan } from '#shared/use-cases/api/get-plan';

const env = requireEnv(['runsTable']);
const deps = { runs: adapters.runRepository(env.runsTable), store: adapters.objectStore() };
const query = z.object({ format: z.enum(['json', 'html']).default('json') });

export const handler = httpRoute(
  apiRoutes.getPlan,
  { path: z.object({ runId }), query },
  async ({ path, query, principal }) => {
    const plan = await getPlan(deps, path.runId, principal, query.format);
    return 'html' in plan
      ? { status: 200, body: plan.html, contentType: 'text/html; charset=utf-8' }
      : { status: 200, body: plan.json };
  },
);
