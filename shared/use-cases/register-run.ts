import { type CampaignSettings, campaignSettings, MANIFEST_KEY } from '../domain/contracts/manifest';
import { DomainError } from '../domain/errors';
import type { RunRecord } from '../domain/runs/run-record';
import type { CampaignDefaults, RegisterRunInput } from '../domain/runs/run-requests';
import type { BatchRef, Campaign, RunState, Trigger } from '../domain/runs/run-state';
import type { ObjectStore } from '../ports/object-store';
import type { RunRepository } from '../ports/run-repository';

export interface RegisterRunDeps {
  readonly store: ObjectStore;
  readonly runs: RunRepository;
  readonly landingBucket: string;
  readonly defaults: CampaignDefaults;
}

export class NoBatchError extends DomainError {
  public constructor(message: string) {
    super(message);
    this.name = 'NoBatchError';
  }
}

interface Resolved {
  readonly batch: BatchRef;
  readonly trigger: Trigger;
  readonly claimKey: string;
  readonly requested?: CampaignSettings;
}

function batchFromKey(bucket: string, key: string, version: string): BatchRef {
  const m = MANIFEST_KEY.exec(key);
  if (!m?.[1] || !m[2])
    throw new NoBatchError(`${key} is not a batch manifest (incoming/{partner}/{batchId}/manifest.json)`);
  return { bucket, manifestKey: key, manifestVersion: version, partner: m[1], batchId: m[2] };
}

async function resolve(input: RegisterRunInput, deps: RegisterRunDeps): Promise<Resolved> {
  const event = input.event;
  if (event.source === 'aws.s3') {
    // Unlike S3 notifications, EventBridge's S3 events carry the key as is, not URL-encoded.
    const key = event.detail.object.key;
    const version =
      event.detail.object['version-id'] ||
      event.detail.object.etag ||
      (await deps.store.head({ bucket: event.detail.bucket.name, key }))?.version;
    if (!version) throw new NoBatchError(`s3://${event.detail.bucket.name}/${key} no longer exists`);
    const batch = batchFromKey(event.detail.bucket.name, key, version);
    return { batch, trigger: { source: 's3' }, claimKey: `${batch.bucket}/${key}#${version}` };
  }
  if (event.source === 'campaign-optimizer.api') {
    const batch = batchFromKey(event.bucket, event.manifestKey, event.manifestVersion);
    return {
      batch,
      trigger: { source: 'api', requestedBy: event.requestedBy },
      claimKey: `${batch.bucket}/${batch.manifestKey}#${batch.manifestVersion}`,
      ...(event.campaign ? { requested: event.campaign } : {}),
    };
  }
  let latest: { key: string; version: string; at: number } | undefined;
  for await (const o of deps.store.list(deps.landingBucket, `incoming/${event.partner}/`)) {
    const at = o.lastModified?.getTime() ?? 0;
    if (MANIFEST_KEY.test(o.key) && (!latest || at > latest.at))
      latest = { key: o.key, version: o.version, at };
  }
  if (!latest) throw new NoBatchError(`partner ${event.partner} has not uploaded a batch manifest yet`);
  return {
    batch: batchFromKey(deps.landingBucket, latest.key, latest.version),
    trigger: { source: 'schedule', scheduleName: event.scheduleName, scheduledAt: event.scheduledAt },
    // A schedule plans again on the same batch each time; only its own retries are duplicates.
    claimKey: `schedule/${event.scheduleName}#${event.scheduledAt}`,
  };
}

async function manifestCampaign(store: ObjectStore, batch: BatchRef): Promise<CampaignSettings> {
  // Lenient on purpose: a broken manifest is ValidateBatch's to report, with the line and rule.
  try {
    const json = JSON.parse(
      await store.readText({ bucket: batch.bucket, key: batch.manifestKey, version: batch.manifestVersion }),
    ) as { campaign?: unknown };
    const parsed = campaignSettings.safeParse(json.campaign ?? {});
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The same manifest version claims one run; a retry may take over the claim of a failed run. */
async function claim(deps: RegisterRunDeps, claimKey: string, runId: string): Promise<string | undefined> {
  const owner = await deps.runs.claimBatch(claimKey, runId);
  if (owner === undefined || owner === runId) return undefined;
  const previous = await deps.runs.get(owner);
  // An owner without a run record died while registering; it must not block the manifest forever.
  if (previous && previous.status !== 'FAILED') return owner;
  const stillOwner = await deps.runs.claimBatch(claimKey, runId, owner);
  return stillOwner === undefined ? undefined : stillOwner;
}

/**
 * Registers a run for the batch an event points at, pinned to the manifest version it saw.
 * Campaign settings come from the request, then the manifest, then the deployed defaults.
 */
export async function registerRun(input: RegisterRunInput, deps: RegisterRunDeps): Promise<RunState> {
  const resolved = await resolve(input, deps);
  const fromManifest = await manifestCampaign(deps.store, resolved.batch);
  const settings = { ...fromManifest, ...resolved.requested };
  const startedAt = new Date(Date.parse(input.startedAt)).toISOString();
  const campaign: Campaign = {
    budget: settings.budget ?? deps.defaults.budget,
    holdoutFraction: settings.holdoutFraction ?? deps.defaults.holdoutFraction,
    sendDate: settings.sendDate ?? addDays(startedAt, deps.defaults.sendLeadDays),
    seed: deps.defaults.seed,
    currency: deps.defaults.currency,
    ...(settings.parity ? { parity: settings.parity } : {}),
    ...(settings.coolDownDays !== undefined ? { coolDownDays: settings.coolDownDays } : {}),
    ...(settings.maxContacts30 !== undefined ? { maxContacts30: settings.maxContacts30 } : {}),
    ...(settings.minRoi !== undefined ? { minRoi: settings.minRoi } : {}),
    ...(settings.priorUpliftShare !== undefined ? { priorUpliftShare: settings.priorUpliftShare } : {}),
  };
  const duplicateOf = await claim(deps, resolved.claimKey, input.runId);
  const record: RunRecord = {
    runId: input.runId,
    status: duplicateOf ? 'DUPLICATE' : 'RUNNING',
    trigger: resolved.trigger,
    batch: resolved.batch,
    campaign,
    startedAt,
    ...(duplicateOf ? { duplicateOf, finishedAt: startedAt } : {}),
    stages: {},
    files: [],
  };
  await deps.runs.create(record);
  return {
    runId: input.runId,
    trigger: resolved.trigger,
    batch: resolved.batch,
    campaign,
    startedAt,
    ...(duplicateOf ? { duplicateOf } : {}),
    stages: {},
  };
}
