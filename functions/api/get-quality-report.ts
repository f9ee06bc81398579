import { z } from 'zod';
import { adapters } from '#shared/adapters/aws/factories';
import { apiRoutes } from '#shared/api/routes';
import { runId } from '#shared/domain/runs/run-state';
import { requireEnv } from '#shared/lambda/config';
import { httpRoute } from '#shared/lambda/http-route';
import { getQualityReport } from '#shared/use-cases/api/get-quality-report';

const env = requireEnv(['runsTable', 'lakeBucket']);
const deps = {
  runs: adapters.runRepository(env.runsTable),
  store: adapters.objectStore(),
  lakeBucket: env.lakeBucket,
};
const query = z.object({ format: z.enum(['json', 'html']).default('json') });

export const handler = httpRoute(
  apiRoutes.getQualityReport,
  { path: z.object({ runId }), query },
  async ({ path, query, principal }) => {
    const report = await getQualityReport(deps, path.runId, principal, query.format);
    return 'html' in report
      ? { status: 200, body: report.html, contentType: 'text/html; charset=utf-8' }
      : { status: 200, body: report.json };
  },
);
