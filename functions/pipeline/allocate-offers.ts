import { adapters } from '#shared/adapters/aws/factories';
import { requireEnv } from '#shared/lambda/config';
import { pipelineStage } from '#shared/lambda/pipeline-stage';
import { allocateOffers } from '#shared/use-cases/allocate-offers';

const env = requireEnv(['runsTable', 'lakeBucket']);
const deps = { store: adapters.objectStore(), lakeBucket: env.lakeBucket };

export const handler = pipelineStage('allocate', adapters.runRepository(env.runsTable), (state) =>
  allocateOffers(state, deps),
);
