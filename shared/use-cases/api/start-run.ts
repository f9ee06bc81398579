import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { keySegment, manifestKey } from '../../domain/contracts/manifest';
import { NotFoundError } from '../../domain/errors';
import { API_SOURCE, type ApiRunRequest, newRunId } from '../../domain/runs/run-requests';
import type { ObjectStore } from '../../ports/object-store';
import type { RunStarter } from '../../ports/run-starter';

export const startRunBody = z
  .object({
    partner: keySegment,
    batchId: keySegment,
    budget: z.number().positive().optional(),
    holdoutFraction: z.number().min(0).max(0.5).optional(),
    sendDate: z.iso.date().optional(),
  })
  .strict();
export type StartRunBody = z.infer<typeof startRunBody>;

/** Starts a run for an uploaded batch. The run id is the execution name, so it is known at once. */
export async function startRun(
  deps: { store: ObjectStore; starter: RunStarter; landingBucket: string; now?: () => Date },
  body: StartRunBody,
  requestedBy: string,
): Promise<{ runId: string; status: 'RUNNING' }> {
  const key = manifestKey(body.partner, body.batchId);
  const manifest = await deps.store.head({ bucket: deps.landingBucket, key });
  if (!manifest) throw new NotFoundError(`no manifest at ${key}; upload the batch and its manifest first`);
  const runId = newRunId(deps.now?.() ?? new Date(), randomBytes(3).toString('hex'));
  const { partner: _p, batchId: _b, ...campaign } = body;
  const request: ApiRunRequest = {
    source: API_SOURCE,
    bucket: deps.landingBucket,
    manifestKey: key,
    manifestVersion: manifest.version,
    requestedBy,
    ...(Object.keys(campaign).length > 0 ? { campaign } : {}),
  };
  await deps.starter.start(runId, request);
  return { runId, status: 'RUNNING' };
}
