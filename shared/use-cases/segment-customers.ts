import { latestSegmentCentroidsKey, runArtifactKeys } from '../domain/runs/run-artifacts';
import type { RunState, S3Ref } from '../domain/runs/run-state';
import {
  type CustomerActivity,
  SEGMENTATION_FEATURES,
  segmentCentroids,
  segmentCustomers,
} from '../domain/segmentation/segment-customers';
import { LIFECYCLE_FLAGS, SegmentProfiles } from '../domain/segmentation/segment-profiles';
import {
  assignStableIds,
  CENTROIDS_FILE_VERSION,
  parseCentroidsFile,
  type SegmentCentroidsFile,
} from '../domain/segmentation/stable-ids';
import type { StageResult } from '../lambda/pipeline-stage';
import { ObjectNotFoundError, type ObjectStore } from '../ports/object-store';
import { booleanCell, numberCell, readCsvObjects, writeCsvObjects } from './csv-objects';

export interface SegmentDeps {
  readonly store: ObjectStore;
  readonly lakeBucket: string;
}

/**
 * Segments every customer on RFM features and writes each customer's segment next to the run.
 * Segment ids are matched to the partner's previous run, so that an id keeps meaning the same
 * customers; this run's centroids become the partner's latest for the next run to match.
 */
export async function segmentRunCustomers(
  state: RunState,
  deps: SegmentDeps,
): Promise<StageResult<'segment'>> {
  const features = state.stages.features;
  if (!features) throw new Error('segment needs the features stage output');
  const customers: CustomerActivity[] = [];
  for await (const row of readCsvObjects(deps.store, features.scoringFeatures)) {
    const recency = numberCell(row.recency_days);
    customers.push({
      customerId: row.customer_id ?? '',
      recencyDays: Number.isNaN(recency) ? null : recency,
      frequency: numberCell(row.frequency_365, 0),
      monetary: numberCell(row.monetary_365, 0),
    });
  }
  const result = segmentCustomers(customers, { seed: state.campaign.seed });
  const { centroids, scale } = segmentCentroids(customers, result);

  const previous = await previousCentroids(state, deps);
  const stable = assignStableIds(centroids, previous.file, { scale });
  const idOf = (provisional: number) => stable.ids[provisional] ?? -1;

  // A second pass over the features file rather than holding every customer's profile columns:
  // memory stays at one set of sums per segment however many customers there are.
  let profiles: SegmentProfiles | undefined;
  const segmentRows = async function* (): AsyncIterable<readonly unknown[]> {
    let i = 0;
    for await (const row of readCsvObjects(deps.store, features.scoringFeatures)) {
      const customer = customers[i];
      if (customer === undefined || (row.customer_id ?? '') !== customer.customerId) {
        throw new Error(
          `${features.scoringFeatures.key} changed while it was being segmented (row ${i + 1})`,
        );
      }
      const provisional = result.segmentOf[i] ?? -1;
      profiles ??= new SegmentProfiles(result.segments.length, Object.keys(row));
      profiles.add(provisional, row);
      const flags = LIFECYCLE_FLAGS.map((f) => (booleanCell(row[f]) ? 'true' : 'false'));
      yield [customer.customerId, idOf(provisional), result.segments[provisional]?.name ?? '', ...flags];
      i++;
    }
    if (i !== customers.length) {
      throw new Error(`${features.scoringFeatures.key} changed while it was being segmented (${i} rows)`);
    }
  };
  const ref = { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).segments };
  await writeCsvObjects(
    deps.store,
    ref,
    ['customer_id', 'segment_id', 'segment_name', ...LIFECYCLE_FLAGS],
    segmentRows(),
  );

  const matchedTo = previous.file?.runId ?? null;
  const file: SegmentCentroidsFile = {
    version: CENTROIDS_FILE_VERSION,
    runId: state.runId,
    createdAt: state.startedAt,
    matchedTo,
    features: [...SEGMENTATION_FEATURES],
    nextId: stable.nextId,
    segments: result.segments
      .map((s, provisional) => ({
        segmentId: idOf(provisional),
        name: s.name,
        customers: s.customers,
        centroid: centroids[provisional] ?? null,
      }))
      .sort((a, b) => a.segmentId - b.segmentId),
  };
  const body = JSON.stringify(file, null, 2);
  await deps.store.write(centroidsRef(deps, state.runId), body, 'application/json');
  await deps.store.write(latestRef(state, deps), body, 'application/json');

  const note = previous.note ?? changeNote(stable.ids, previous.file?.nextId ?? 0, stable.retired);
  return {
    output: {
      segments: ref,
      k: Math.max(result.k, 1),
      silhouette: result.silhouette,
      profiles: result.segments
        .map((s, provisional) => ({
          segmentId: idOf(provisional),
          name: s.name,
          customers: s.customers,
          revenueShare: s.revenueShare,
          meanRecencyDays: s.meanRecencyDays,
          meanFrequency: s.meanFrequency,
          meanMonetary: s.meanMonetary,
          ...(profiles?.profile(provisional) ?? {
            inactiveCustomers: 0,
            otcOnlyCustomers: 0,
            highValueCustomers: 0,
            meanFeatures: {},
            topCategories: [],
            responseRate: null,
          }),
        }))
        .sort((a, b) => a.segmentId - b.segmentId),
      idsMatchedTo: matchedTo,
      ...(note === undefined ? {} : { idsNote: note }),
    },
    counts: { customers: customers.length, segments: result.segments.length },
  };
}

interface Previous {
  readonly file?: SegmentCentroidsFile;
  /** Why there is no file to match to, when there is none. */
  readonly note?: string;
}

/**
 * The centroids to match this run's segments to: the partner's latest. When the latest is this
 * run's own (the stage is being retried after it wrote them), the run it was matched to, so a
 * retry assigns the ids the first attempt did. A file that cannot be used is never fatal: the
 * run numbers its ids afresh and says why.
 */
async function previousCentroids(state: RunState, deps: SegmentDeps): Promise<Previous> {
  const latest = await readCentroids(latestRef(state, deps));
  if (!latest.file || latest.file.runId !== state.runId) return latest;
  const before = latest.file.matchedTo;
  if (before === null) return { note: firstRunNote(state) };
  return readCentroids(centroidsRef(deps, before));

  async function readCentroids(ref: S3Ref): Promise<Previous> {
    let text: string;
    try {
      text = await deps.store.readText(ref);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return { note: firstRunNote(state) };
      throw error;
    }
    const parsed = parseCentroidsFile(text, SEGMENTATION_FEATURES);
    if (parsed.ok) return { file: parsed.file };
    return {
      note: `segment ids numbered afresh: the previous centroids (s3://${ref.bucket}/${ref.key}) ${parsed.problem}`,
    };
  }
}

function firstRunNote(state: RunState): string {
  return `segment ids numbered afresh: no previous segment centroids for partner ${state.batch.partner}`;
}

/** Says which ids are new and which retired; undefined when every segment kept its id. */
function changeNote(
  ids: readonly number[],
  firstFresh: number,
  retired: readonly number[],
): string | undefined {
  const fresh = ids.filter((id) => id >= firstFresh).sort((a, b) => a - b);
  const parts = [
    ...(fresh.length > 0 ? [`new segment ids ${fresh.join(', ')}`] : []),
    ...(retired.length > 0 ? [`retired segment ids ${retired.join(', ')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function centroidsRef(deps: SegmentDeps, runId: string): S3Ref {
  return { bucket: deps.lakeBucket, key: runArtifactKeys(runId).segmentCentroids };
}

function latestRef(state: RunState, deps: SegmentDeps): S3Ref {
  return { bucket: deps.lakeBucket, key: latestSegmentCentroidsKey(state.batch.partner) };
}
