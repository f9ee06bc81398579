import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { DatasetName } from '#shared/domain/contracts/datasets';
import { manifestKey } from '#shared/domain/contracts/manifest';
import type { Failure, RunRecord, RunSummary, StageRecord } from '#shared/domain/runs/run-record';
import { type FileAccount, type RunState, runState, type StageName } from '#shared/domain/runs/run-state';
import type { RunPage, RunRepository } from '#shared/ports/run-repository';
import type { IntakeLimits } from '#shared/use-cases/intake/validate-file';
import type { InMemoryObjectStore } from '../../support/in-memory-object-store';

/**
 * A tiny, internally consistent partner batch (every reference resolves, every cell is valid),
 * built in memory so a test can break exactly one thing about it.
 */

export const PARTNER = 'acme';
export const BATCH_ID = 'b-001';
export const RUN_ID = 'run-001';
export const INCOMING_BUCKET = 'incoming';
export const LAKE_BUCKET = 'lake';

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The valid batch. The last transaction is 2026-02-27T18:30, so the derived asOf is 2026-02-28. */
export function validTables(): Record<DatasetName, Table> {
  return {
    customers: {
      header: [
        'customer_id',
        'signup_date',
        'region',
        'branch',
        'birth_year',
        'gender',
        'consent_email',
        'consent_sms',
        'consent_push',
        'consent_direct_mail',
        'consent_call_centre',
      ],
      rows: [
        ['C1', '2024-01-15', 'North', 'B1', '1980', 'f', 'yes', 'no', '', '1', '0'],
        ['C2', '2025-06-01', 'South', '', '', 'M', '0', '1', '1', '', ''],
        ['C3', '2025-11-20', 'North, East', '', '1995', '', '', '', '', '', ''],
      ],
    },
    products: {
      header: ['product_id', 'category', 'subcategory', 'price', 'unit_cost'],
      rows: [
        ['P1', 'Garden', 'Tools', '10.00', '6'],
        ['P2', 'Toys', '', '20', ''],
      ],
    },
    offers: {
      header: [
        'offer_id',
        'name',
        'kind',
        'target_category',
        'discount_pct',
        'valid_from',
        'valid_to',
        'max_volume',
      ],
      rows: [
        ['O1', 'Spring garden', 'percent_off', 'Garden', '10', '2026-03-01', '2026-03-31', '500'],
        ['O2', 'Toy "bundle"', 'bundle', 'Toys', '15', '2026-03-01', '2026-04-30', ''],
      ],
    },
    channels: {
      header: ['channel_id', 'cost_per_contact', 'capacity_per_day', 'send_window_start', 'send_window_end'],
      rows: [
        ['email', '0.01', '10000', '08:00', '20:00'],
        ['sms', '0.05', '2000', '', ''],
      ],
    },
    transactions: {
      header: [
        'line_id',
        'transaction_id',
        'customer_id',
        'ts',
        'product_id',
        'quantity',
        'unit_price',
        'discount',
        'branch',
        'sales_channel',
      ],
      rows: [
        ['L1', 'T1', 'C1', '2026-01-05T10:00:00', 'P1', '2', '10', '', 'B1', 'over_the_counter'],
        ['L2', 'T1', 'C1', '2026-01-05T10:00:00', 'P2', '1', '20', '2', 'B1', 'over_the_counter'],
        ['L3', 'T2', 'C2', '2026-02-10 18:30', 'P2', '1', '20', '', '', 'online'],
        ['L4', 'T3', 'C1', '2026-02-27T18:30:00', 'P1', '-1', '10', '', 'B1', 'app'],
      ],
    },
    contacts: {
      header: [
        'contact_id',
        'campaign_id',
        'customer_id',
        'offer_id',
        'channel_id',
        'sent_at',
        'group',
        'discount_pct',
      ],
      rows: [
        ['K1', 'CMP1', 'C1', 'O1', 'email', '2026-02-01T09:00:00', 'treatment', '10'],
        ['K2', 'CMP1', 'C2', '', '', '2026-02-01T09:00:00', 'control', ''],
        ['K3', 'CMP1', 'C3', 'O2', 'sms', '2026-02-01T09:00:00', 'treatment', '15'],
      ],
    },
    responses: {
      header: ['contact_id', 'opened_at', 'clicked_at', 'converted_at', 'revenue'],
      rows: [['K1', '2026-02-01T10:00:00', '2026-02-01T10:05:00', '2026-02-03T12:00:00', '35.5']],
    },
  };
}

/** RFC 4180 text: fields holding the delimiter, a quote or a line break are quoted. */
export function csvText(table: Table, delimiter = ',', eol = '\n'): string {
  const cell = (v: string) =>
    v.includes(delimiter) || v.includes('"') || v.includes('\n') || v.includes('\r')
      ? `"${v.replace(/"/g, '""')}"`
      : v;
  return [table.header, ...table.rows].map((row) => row.map(cell).join(delimiter) + eol).join('');
}

export const sha256 = (bytes: string | Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

/** What a test may change about one file of the batch. */
export interface FileChange {
  /** Replaces the table the file is written from. */
  readonly table?: Table;
  /** Replaces the file's bytes altogether (the manifest still gets their checksum unless `sha256` is set). */
  readonly bytes?: string | Uint8Array;
  readonly key?: string;
  readonly compression?: 'none' | 'gzip';
  /** The delimiter the file is written with. */
  readonly delimiter?: string;
  /** The delimiter the manifest declares (default: the one the file is written with). */
  readonly declaredDelimiter?: string;
  readonly rows?: number;
  readonly sha256?: string;
  /** Leave the file out of the manifest (it is still uploaded). */
  readonly unlisted?: boolean;
  /** List the file in the manifest but do not upload it. */
  readonly notUploaded?: boolean;
  /** Manifest entry fields to add or replace, e.g. `{ format: 'jsonl' }` or `{ encoding: 'latin1' }`. */
  readonly entry?: Record<string, unknown>;
}

export interface BatchSpec {
  readonly files?: Partial<Record<DatasetName, FileChange>>;
  /** Top-level manifest fields to add or replace, e.g. `{ asOf: '2026-03-01' }`. */
  readonly manifest?: Record<string, unknown>;
  /** Replaces the manifest text altogether. */
  readonly manifestText?: string;
}

export interface BuiltFile {
  readonly dataset: DatasetName;
  readonly key: string;
  readonly bytes: Buffer;
  readonly upload: boolean;
}

export interface Batch {
  readonly manifest: Record<string, unknown>;
  readonly manifestText: string;
  readonly files: readonly BuiltFile[];
}

const DATASET_ORDER: readonly DatasetName[] = [
  'customers',
  'products',
  'offers',
  'channels',
  'transactions',
  'contacts',
  'responses',
];

/** The batch's files and a manifest with their true checksums and row counts, changed as asked. */
export function buildBatch(spec: BatchSpec = {}): Batch {
  const tables = validTables();
  const files: BuiltFile[] = [];
  const entries: Record<string, unknown>[] = [];
  for (const dataset of DATASET_ORDER) {
    const change = spec.files?.[dataset] ?? {};
    const table = change.table ?? tables[dataset];
    const compression = change.compression ?? 'none';
    const delimiter = change.delimiter ?? ',';
    const key = change.key ?? `${dataset}.csv${compression === 'gzip' ? '.gz' : ''}`;
    const text = csvText(table, delimiter);
    const bytes =
      change.bytes !== undefined
        ? Buffer.from(change.bytes)
        : compression === 'gzip'
          ? gzipSync(Buffer.from(text))
          : Buffer.from(text);
    files.push({ dataset, key, bytes, upload: change.notUploaded !== true });
    if (change.unlisted) continue;
    const declared = change.declaredDelimiter ?? delimiter;
    entries.push({
      dataset,
      key,
      format: 'csv',
      ...(compression === 'gzip' ? { compression } : {}),
      ...(declared !== ',' ? { delimiter: declared } : {}),
      rows: change.rows ?? table.rows.length,
      sha256: change.sha256 ?? sha256(bytes),
      ...change.entry,
    });
  }
  const manifest = {
    manifestVersion: 1,
    partner: PARTNER,
    batchId: BATCH_ID,
    createdAt: '2026-02-28T06:00:00Z',
    files: entries,
    ...spec.manifest,
  };
  return { manifest, manifestText: spec.manifestText ?? JSON.stringify(manifest, null, 2), files };
}

/**
 * Uploads the batch under `incoming/{partner}/{batchId}/` and returns the run state a run
 * triggered by its manifest starts with (manifest version pinned).
 */
export function uploadBatch(
  store: InMemoryObjectStore,
  batch: Batch,
  folder: { partner: string; batchId: string } = { partner: PARTNER, batchId: BATCH_ID },
): RunState {
  const key = manifestKey(folder.partner, folder.batchId);
  for (const file of batch.files) {
    if (file.upload)
      store.put(INCOMING_BUCKET, `incoming/${folder.partner}/${folder.batchId}/${file.key}`, file.bytes);
  }
  const manifestVersion = store.put(INCOMING_BUCKET, key, batch.manifestText);
  return runState.parse({
    runId: RUN_ID,
    trigger: { source: 's3' },
    batch: { bucket: INCOMING_BUCKET, manifestKey: key, manifestVersion, ...folder },
    campaign: { budget: 1000, holdoutFraction: 0.1, sendDate: '2026-03-05', seed: 7, currency: 'EUR' },
    startedAt: new Date(RECEIVED_AT).toISOString(),
  });
}

/** When the fixture batch is received: its run's start, the latest time an event may have. */
export const RECEIVED_AT = Date.parse('2026-02-28T07:00:00.000Z');

export const LIMITS: IntakeLimits = {
  maxRejectedShare: 0.5,
  maxDecompressedBytes: 1_000_000,
  maxRecordChars: 10_000,
  partRows: 1000,
};

/**
 * A RunRepository double for the validate stage: `recordFiles` is recorded, and `list` pages
 * through `earlierRuns` (newest first) for the quality report's previous batch; nothing else is
 * expected.
 */
export class RecordingRunRepository implements RunRepository {
  public readonly recordedFiles: { runId: string; files: FileAccount[] }[] = [];
  public listCalls = 0;

  public constructor(private readonly earlierRuns: readonly RunRecord[] = []) {}

  public async recordFiles(runId: string, files: readonly FileAccount[]): Promise<void> {
    this.recordedFiles.push({ runId, files: structuredClone([...files]) });
  }

  public claimBatch(_batchKey: string, _runId: string, _replacing?: string): Promise<string | undefined> {
    return unexpected('claimBatch');
  }
  public create(_run: RunRecord): Promise<void> {
    return unexpected('create');
  }
  public get(_runId: string): Promise<RunRecord | undefined> {
    return unexpected('get');
  }
  public async list(limit: number, cursor?: string): Promise<RunPage> {
    this.listCalls += 1;
    const start = cursor ? Number(cursor) : 0;
    const runs = this.earlierRuns.slice(start, start + limit);
    const next = start + limit < this.earlierRuns.length ? { nextCursor: String(start + limit) } : {};
    return { runs, ...next };
  }
  public recordStage(_runId: string, _stage: StageName, _record: StageRecord): Promise<void> {
    return unexpected('recordStage');
  }
  public markFailed(_runId: string, _failure: Failure, _finishedAt: string): Promise<void> {
    return unexpected('markFailed');
  }
  public publish(_runId: string, _summary: RunSummary, _finishedAt: string): Promise<void> {
    return unexpected('publish');
  }
  public latestPublishedRunId(): Promise<string | undefined> {
    return unexpected('latestPublishedRunId');
  }
}

function unexpected(method: string): Promise<never> {
  return Promise.reject(new Error(`the validate stage should not call RunRepository.${method}`));
}
