import { z } from 'zod';
import type { Principal } from '../../domain/auth/roles';
import { batchPrefix, fileName, keySegment } from '../../domain/contracts/manifest';
import { PermissionError } from '../../domain/errors';
import type { UploadUrlSigner } from '../../ports/upload-url-signer';

export const UPLOAD_CONTENT_TYPES = [
  'text/csv',
  'application/gzip',
  'application/json',
  'application/x-ndjson',
  'application/vnd.apache.parquet',
  'application/octet-stream',
] as const;

export const createUploadUrlBody = z
  .object({
    batchId: keySegment,
    fileName,
    contentType: z.enum(UPLOAD_CONTENT_TYPES).default('application/octet-stream'),
  })
  .strict();
export type CreateUploadUrlBody = z.infer<typeof createUploadUrlBody>;

export const UPLOAD_URL_TTL_SECONDS = 900;

/**
 * A presigned PUT for one file of one batch, always under the caller's own partner prefix: the
 * partner comes from the verified token, never from the request.
 */
export async function createUploadUrl(
  deps: { signer: UploadUrlSigner; landingBucket: string; now?: () => Date },
  principal: Principal,
  body: CreateUploadUrlBody,
) {
  if (!principal.partnerId) {
    throw new PermissionError('your user has no partner id, so there is no partner prefix to upload to');
  }
  const key = `${batchPrefix(principal.partnerId, body.batchId)}${body.fileName}`;
  const url = await deps.signer.presignPut(deps.landingBucket, key, body.contentType, UPLOAD_URL_TTL_SECONDS);
  const expiresAt = new Date(
    (deps.now?.() ?? new Date()).getTime() + UPLOAD_URL_TTL_SECONDS * 1000,
  ).toISOString();
  return { method: 'PUT' as const, url, key, headers: { 'content-type': body.contentType }, expiresAt };
}
