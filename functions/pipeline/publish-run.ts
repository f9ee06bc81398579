import { adapters } from '#shared/adapters/aws/factories';
import { priceTable } from '#shared/domain/reporting/price-table';
import { requireEnv, requireJsonEnv } from '#shared/lambda/config';
import { pipelineStage } from '#shared/lambda/pipeline-stage';
import { publishRun } from '#shared/use-cases/publish-run';

const env = requireEnv(['runsTable', 'lakeBucket', 'recommendationsTable']);
const runs = adapters.runRepository(env.runsTable);
const deps = {
  store: adapters.objectStore(),
  runs,
  recommendations: adapters.recommendationRepository(env.recommendationsTable),
  lakeBucket: env.lakeBucket,
  prices: requireJsonEnv('priceTable', priceTable),
};

export const handler = pipelineStage('publish', runs, (state, context) => publishRun(state, context, deps));
