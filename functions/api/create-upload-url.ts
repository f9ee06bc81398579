import { adapters } from '#shared/adapters/aws/factories';
import { apiRoutes } from '#shared/api/routes';
import { requireEnv } from '#shared/lambda/config';
import { httpRoute } from '#shared/lambda/http-route';
import { createUploadUrl, createUploadUrlBody } from '#shared/use-cases/api/create-upload-url';

const env = requireEnv(['landingBucket']);
const deps = { signer: adapters.uploadUrlSigner(), landingBucket: env.landingBucket };

export const handler = httpRoute(
  apiRoutes.createUploadUrl,
  { body: createUploadUrlBody },
  async ({ body, principal }) => ({ status: 201, body: await createUploadUrl(deps, principal, body) }),
);
