import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { RunState } from '../domain/runs/run-state';
import { type CustomerActivity, segmentCustomers } from '../domain/segmentation/segment-customers';
import type { StageResult } from '../lambda/pipeline-stage';
import type { ObjectStore } from '../ports/object-store';
import { booleanCell, numberCell, readCsvObjects, writeCsvObjects } from './csv-objects';

/** Feature-store flags operations teams segment by, in the order the segments file lists them. */
const LIFECYCLE_FLAGS = ['is_inactive', 'is_otc_only', 'is_high_value'] as const;

export interface SegmentDeps {
  readonly store: ObjectStore;
  readonly lakeBucket: string;
}

/** Segments every customer on RFM features and writes each customer's segment next to the run. */
export async function segmentRunCustomers(
  state: RunState,
  deps: SegmentDeps,
): Promise<StageResult<'segment'>> {
  const features = state.stages.features;
  if (!features) throw new Error('segment needs the features stage output');
  const customers: CustomerActivity[] = [];
  // The lifecycle flags of the feature store travel with each customer's segment.
  const flags: string[][] = [];
  for await (const row of readCsvObjects(deps.store, features.scoringFeatures)) {
    const recency = numberCell(row.recency_days);
    customers.push({
      customerId: row.customer_id ?? '',
      recencyDays: Number.isNaN(recency) ? null : recency,
      frequency: numberCell(row.frequency_365, 0),
      monetary: numberCell(row.monetary_365, 0),
    });
    flags.push(LIFECYCLE_FLAGS.map((f) => (booleanCell(row[f]) ? 'true' : 'false')));
  }
  const result = segmentCustomers(customers, { seed: state.campaign.seed });
  const ref = { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).segments };
  await writeCsvObjects(
    deps.store,
    ref,
    ['customer_id', 'segment_id', 'segment_name', ...LIFECYCLE_FLAGS],
    customers.map((c, i) => {
      const id = result.segmentOf[i] ?? -1;
      return [c.customerId, id, result.segments[id]?.name ?? '', ...(flags[i] ?? [])];
    }),
  );
  const flagged = (segmentId: number, f: number) =>
    customers.filter((_, i) => result.segmentOf[i] === segmentId && flags[i]?.[f] === 'true').length;
  return {
    output: {
      segments: ref,
      k: Math.max(result.k, 1),
      silhouette: result.silhouette,
      profiles: result.segments.map((s) => ({
        segmentId: s.segmentId,
        name: s.name,
        customers: s.customers,
        revenueShare: s.revenueShare,
        meanRecencyDays: s.meanRecencyDays,
        meanFrequency: s.meanFrequency,
        meanMonetary: s.meanMonetary,
        inactiveCustomers: flagged(s.segmentId, 0),
        otcOnlyCustomers: flagged(s.segmentId, 1),
        highValueCustomers: flagged(s.segmentId, 2),
      })),
    },
    counts: { customers: customers.length, segments: result.segments.length },
  };
}
