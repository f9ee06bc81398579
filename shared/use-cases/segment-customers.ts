import { runArtifactKeys } from '../domain/runs/run-artifacts';
import type { RunState } from '../domain/runs/run-state';
import { type CustomerActivity, segmentCustomers } from '../domain/segmentation/segment-customers';
import type { StageResult } from '../lambda/pipeline-stage';
import type { ObjectStore } from '../ports/object-store';
import { numberCell, readCsvObjects, writeCsvObjects } from './csv-objects';

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
  const ref = { bucket: deps.lakeBucket, key: runArtifactKeys(state.runId).segments };
  await writeCsvObjects(
    deps.store,
    ref,
    ['customer_id', 'segment_id', 'segment_name'],
    customers.map((c, i) => {
      const id = result.segmentOf[i] ?? -1;
      return [c.customerId, id, result.segments[id]?.name ?? ''];
    }),
  );
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
      })),
    },
    counts: { customers: customers.length, segments: result.segments.length },
  };
}
