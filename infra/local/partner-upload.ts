import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Manifest } from '../../shared/domain/contracts/manifest';

export interface ApiClient {
  readonly endpoint: string;
  readonly token: string;
}

export async function apiCall<T>(
  api: ApiClient,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${api.endpoint}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${api.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function contentTypeOf(file: string): string {
  if (file.endsWith('.gz')) return 'application/gzip';
  if (file.endsWith('.json')) return 'application/json';
  return 'text/csv';
}

/**
 * Delivers a batch the way a partner does: for each file a presigned URL from `POST /uploads`,
 * then a PUT of the bytes; the manifest goes last, because its arrival starts the run.
 */
export async function uploadBatchAsPartner(
  partnerApi: ApiClient,
  manifest: Manifest,
  paths: { manifestPath: string; files: readonly string[] },
): Promise<{ keys: string[] }> {
  const keys: string[] = [];
  for (const path of [...paths.files, paths.manifestPath]) {
    const fileName = basename(path);
    const contentType = contentTypeOf(fileName);
    const grant = await apiCall<{ url: string; key: string; message?: string }>(
      partnerApi,
      'POST',
      '/uploads',
      {
        batchId: manifest.batchId,
        fileName,
        contentType,
      },
    );
    if (grant.status !== 201)
      throw new Error(`POST /uploads for ${fileName} answered ${grant.status}: ${grant.body.message}`);
    const put = await fetch(grant.body.url, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body: await readFile(path),
    });
    if (!put.ok) throw new Error(`PUT ${fileName} answered ${put.status}: ${await put.text()}`);
    keys.push(grant.body.key);
  }
  return { keys };
}
