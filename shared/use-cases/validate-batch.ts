import { type DatasetName, REQUIRED_DATASETS } from '../domain/contracts/datasets';
import { batchPrefix, type Manifest, manifest as manifestSchema } from '../domain/contracts/manifest';
import { BatchRules } from '../domain/intake/batch-rules';
import { looksPersonal } from '../domain/intake/personal-data';
import { VALIDATION_ORDER } from '../domain/intake/references';
import type { CompiledMapping } from '../domain/mapping/compile-mapping';
import type { FileAccount, Rejection, RunState } from '../domain/runs/run-state';
import type { StageResult } from '../lambda/pipeline-stage';
import { ObjectChangedError, ObjectNotFoundError, type ObjectStore } from '../ports/object-store';
import type { RunRepository } from '../ports/run-repository';
import { BatchProfiler, writeQualityReport } from './intake/quality-report';
import { resolveMapping } from './intake/resolve-mapping';
import { type IntakeLimits, producedDatasets, validateFile } from './intake/validate-file';

export interface ValidateBatchDeps {
  readonly store: ObjectStore;
  readonly runs: RunRepository;
  readonly lakeBucket: string;
  readonly limits: IntakeLimits;
  /** The key that hashes personal data where a mapping asks for it. */
  readonly piiKey?: Uint8Array;
  /** Datasets a batch must provide; a run needs them all, a data load may need fewer. */
  readonly requiredDatasets?: readonly DatasetName[];
}

const MANIFEST = 'manifest.json';
const DAY_MILLIS = 86_400_000;

/** Where a run's refused rows go: one JSON Lines file per dataset. */
export function quarantinePrefix(state: RunState): string {
  return `quarantine/${state.batch.partner}/${state.batch.batchId}/${state.runId}/`;
}

/**
 * Validates a batch: the manifest, then every file it lists in reference order. A batch that
 * cannot be trusted ends REJECTED with one precise reason; otherwise its accepted rows are the
 * run's curated snapshot and every refused row is in quarantine.
 */
export async function validateBatch(
  state: RunState,
  deps: ValidateBatchDeps,
): Promise<StageResult<'validate'>> {
  const files: FileAccount[] = [];
  const profiler = new BatchProfiler(state.campaign.seed);
  let lastTransaction: number | undefined;
  let declaredAsOf: string | undefined;
  const finish = async (rejection?: Rejection, asOf?: string): Promise<StageResult<'validate'>> => {
    await deps.runs.recordFiles(state.runId, files);
    // Once any file was read, there is a quality report, refused batch or not.
    const qualityReport =
      files.length === 0
        ? undefined
        : await writeQualityReport(deps, {
            state,
            files,
            profiles: profiler.profiles(),
            asOf: asOf ?? declaredAsOf ?? dayAfter(lastTransaction) ?? state.startedAt.slice(0, 10),
          });
    const report = qualityReport ? { qualityReport } : {};
    const totals = files.reduce(
      (t, f) => ({
        rowsIn: t.rowsIn + f.rowsIn,
        accepted: t.accepted + f.accepted,
        rejected: t.rejected + f.rejected,
      }),
      { rowsIn: 0, accepted: 0, rejected: 0 },
    );
    const counts = { files: files.length, ...totals };
    return rejection
      ? { output: { status: 'REJECTED', files, rejection, ...report }, counts }
      : {
          output: { status: 'ACCEPTED', files, ...(asOf ? { asOf } : {}), ...report },
          counts,
        };
  };

  const parsed = await readManifest(state, deps.store, deps.lakeBucket);
  if ('rule' in parsed) return finish(parsed);
  const manifest = parsed;
  declaredAsOf = manifest.asOf;

  const prefix = batchPrefix(state.batch.partner, state.batch.batchId);
  const mappings = new Map<string, CompiledMapping>();
  for (const name of new Set(manifest.files.flatMap((f) => (f.mapping ? [f.mapping] : [])))) {
    const resolved = await resolveMapping(
      deps.store,
      state.batch.bucket,
      state.batch.partner,
      name,
      deps.piiKey ? { piiKey: deps.piiKey } : {},
    );
    if ('rule' in resolved) return finish(resolved);
    mappings.set(name, resolved);
  }
  const planned = manifest.files.map((file) => {
    const mapping = file.mapping ? mappings.get(file.mapping) : undefined;
    return { file, mapping, produces: producedDatasets(file, mapping) };
  });

  const producer = new Map<DatasetName, string>();
  for (const { file, produces } of planned) {
    for (const dataset of produces) {
      const other = producer.get(dataset);
      if (other) {
        return finish({
          file: MANIFEST,
          column: 'files',
          rule: 'duplicate_dataset',
          message: `both ${other} and ${file.key} provide ${dataset}; a batch has one source per dataset`,
        });
      }
      producer.set(dataset, file.key);
    }
  }
  const missing = (deps.requiredDatasets ?? REQUIRED_DATASETS).filter((d) => !producer.has(d));
  if (missing.length > 0) {
    return finish({
      file: MANIFEST,
      column: 'files',
      rule: 'missing_dataset',
      message: `the batch must include ${missing.join(', ')}`,
    });
  }

  const pinned = new Map<string, { version: string; size: number }>();
  for (const f of manifest.files) {
    const info = await deps.store.head({ bucket: state.batch.bucket, key: prefix + f.key });
    if (!info) {
      return finish({
        file: f.key,
        rule: 'missing_file',
        message: `the manifest lists ${f.key} but s3://${state.batch.bucket}/${prefix}${f.key} does not exist`,
      });
    }
    pinned.set(f.key, { version: info.version, size: info.size });
  }

  // A file is read once every dataset it may refer to has been read.
  const last = (produces: readonly DatasetName[]) =>
    Math.max(...produces.map((d) => VALIDATION_ORDER.indexOf(d)));
  const ordered = planned
    .map((p, i) => ({ ...p, i }))
    .sort((a, b) => last(a.produces) - last(b.produces) || a.i - b.i);
  const rules = new BatchRules({ receivedAt: Date.parse(state.startedAt) });
  for (const { file, mapping } of ordered) {
    const pin = pinned.get(file.key);
    const outcome = await validateFile(
      {
        source: { bucket: state.batch.bucket, key: prefix + file.key, version: pin?.version },
        file,
        runId: state.runId,
        lakeBucket: deps.lakeBucket,
        quarantinePrefix: quarantinePrefix(state),
        ...(pin ? { size: pin.size } : {}),
        ...(mapping ? { mapping } : {}),
      },
      { store: deps.store, rules, limits: deps.limits, observe: profiler.observe },
    );
    files.push(...outcome.accounts.map((a) => withDroppedColumns(a, outcome.unknownColumns ?? [])));
    if (!outcome.ok) return finish(outcome.rejection);
    lastTransaction = outcome.maxTimestamp ?? lastTransaction;
  }
  return finish(undefined, manifest.asOf ?? dayAfter(lastTransaction));
}

/** Where the manifest a run validated is kept, whatever later versions of the batch bring. */
export function manifestHistoryKey(state: RunState): string {
  return `batches/${state.batch.partner}/${state.batch.batchId}/manifests/${state.runId}.json`;
}

async function readManifest(
  state: RunState,
  store: ObjectStore,
  lakeBucket: string,
): Promise<Manifest | Rejection> {
  let text: string;
  try {
    text = await store.readText({
      bucket: state.batch.bucket,
      key: state.batch.manifestKey,
      version: state.batch.manifestVersion,
    });
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      return {
        file: MANIFEST,
        rule: 'manifest_missing',
        message: `there is no manifest at ${state.batch.manifestKey}`,
      };
    }
    if (error instanceof ObjectChangedError) {
      return {
        file: MANIFEST,
        rule: 'file_changed',
        message: 'the manifest was replaced after the run started; the new manifest starts its own run',
      };
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      file: MANIFEST,
      rule: 'manifest_json',
      message: `the manifest is not valid JSON: ${(error as Error).message}`,
    };
  }
  // Each manifest version has its run; the lake keeps every version a run validated.
  await store.write({ bucket: lakeBucket, key: manifestHistoryKey(state) }, text, 'application/json');
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    return {
      file: MANIFEST,
      ...(path ? { column: path } : {}),
      rule: 'manifest_schema',
      message: `${path || 'manifest'}: ${issue?.message ?? 'is invalid'}`,
    };
  }
  const m = result.data;
  if (m.partner !== state.batch.partner || m.batchId !== state.batch.batchId) {
    return {
      file: MANIFEST,
      column: 'partner',
      rule: 'manifest_location',
      message: `the manifest names partner ${m.partner} and batch ${m.batchId} but was uploaded under ${state.batch.partner}/${state.batch.batchId}`,
    };
  }
  return m;
}

/** Names the columns a file had that nothing read, and which of them looked personal. */
function withDroppedColumns(account: FileAccount, unknown: readonly string[]): FileAccount {
  if (unknown.length === 0) return account;
  const personal = unknown.filter(looksPersonal);
  return {
    ...account,
    unknownColumns: [...unknown],
    ...(personal.length > 0 ? { personalColumns: personal } : {}),
  };
}

function dayAfter(millis: number | undefined): string | undefined {
  if (millis === undefined) return undefined;
  return new Date(Math.floor(millis / DAY_MILLIS) * DAY_MILLIS + DAY_MILLIS).toISOString().slice(0, 10);
}
