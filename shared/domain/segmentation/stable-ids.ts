import { z } from 'zod';

/**
 * Segment ids that survive re-segmentation. k-means numbers its clusters arbitrarily and the
 * segmentation numbers them by value, so without matching, "segment 2" of last week and of this
 * week can be different customers. Each run stores its centroids; the next run matches its own
 * centroids to them and inherits their ids.
 *
 * Space: centroids are stored as the mean of the clustered features *before* standardisation (the
 * log-scaled RFM values of `rfmFeatures`), with the feature names, and compared after dividing
 * both by this run's standardisation scale. Stored z-scores would not do: they are relative to the
 * population of their own run, so the same customer would move whenever the population did.
 * Stored raw means (days, counts, money) would not either: k-means clusters on log values, and the
 * mean of raw values is dominated by a segment's biggest spenders. Subtracting the mean is not
 * needed, as it cancels in a difference.
 */

export const CENTROIDS_FILE_VERSION = 1;

/**
 * Default for {@link StableIdOptions.maxDistance}: one standard deviation of this run's
 * population, Euclidean over the clustered features. Beyond that a segment is a different kind of
 * customer: on the log scale, one SD of spend is roughly a 2.5x change in typical spend, and
 * moving 0.6 SD on each of recency, frequency and monetary value together already exceeds it.
 * Neighbouring segments of a run typically sit 1–3 SD apart, so drift between weekly runs
 * (tenths of an SD) stays well inside, while a split of a segment hands its id to one half only.
 */
export const DEFAULT_MAX_MATCH_DISTANCE = 1;

const storedSegment = z.object({
  segmentId: z.number().int().nonnegative(),
  name: z.string().min(1),
  customers: z.number().int().nonnegative(),
  /**
   * Mean of the clustered features, in `features` order and units; null for the segment of
   * customers who never purchased, which is not clustered and so has no centroid.
   */
  centroid: z.array(z.number().finite()).nullable(),
});
export type StoredSegment = z.infer<typeof storedSegment>;

/** The file each run writes with its segment centroids, and the next run reads to keep ids stable. */
export const segmentCentroidsFile = z
  .object({
    version: z.literal(CENTROIDS_FILE_VERSION),
    runId: z.string().min(1),
    /** The run's start, not the time of writing, so that a retried stage writes the same bytes. */
    createdAt: z.iso.datetime(),
    /** The run whose centroids these ids were matched to; null when they were numbered afresh. */
    matchedTo: z.string().min(1).nullable(),
    /** Names of the clustered features; a run clustering on other features starts afresh. */
    features: z.array(z.string().min(1)).min(1),
    /** The next fresh id. Above every id ever issued, so that the id of a retired segment is never reused. */
    nextId: z.number().int().nonnegative(),
    segments: z.array(storedSegment).max(64),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<number>();
    let unclustered = 0;
    file.segments.forEach((s, i) => {
      if (ids.has(s.segmentId)) {
        ctx.addIssue({ code: 'custom', path: ['segments', i, 'segmentId'], message: 'duplicate segment id' });
      }
      ids.add(s.segmentId);
      if (s.segmentId >= file.nextId) {
        ctx.addIssue({ code: 'custom', path: ['nextId'], message: `nextId must exceed id ${s.segmentId}` });
      }
      if (s.centroid === null) unclustered++;
      else if (s.centroid.length !== file.features.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['segments', i, 'centroid'],
          message: `a centroid has ${file.features.length} coordinates, one per feature`,
        });
      }
    });
    if (unclustered > 1) {
      ctx.addIssue({ code: 'custom', path: ['segments'], message: 'at most one segment has no centroid' });
    }
  });
export type SegmentCentroidsFile = z.infer<typeof segmentCentroidsFile>;

export type ParsedCentroids =
  | { readonly ok: true; readonly file: SegmentCentroidsFile }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads a stored centroids file for matching against a run that clusters on `features`. Never
 * throws: a file that cannot be used is reported, and the caller numbers its segments afresh.
 *
 * @param text - the file's content
 * @param features - the feature names this run clusters on
 */
export function parseCentroidsFile(text: string, features: readonly string[]): ParsedCentroids {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'is not valid JSON' };
  }
  const parsed = segmentCentroidsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, problem: `does not match the centroids schema${where}: ${issue?.message ?? ''}` };
  }
  const stored = parsed.data.features;
  if (stored.length !== features.length || stored.some((f, i) => f !== features[i])) {
    return {
      ok: false,
      problem: `clusters on [${stored.join(', ')}], not on this run's [${features.join(', ')}]`,
    };
  }
  return { ok: true, file: parsed.data };
}

export interface StableIdOptions {
  /**
   * Per feature, the divisor that puts a difference of centroids in this run's standard
   * deviations (its standardisation scale); every entry finite and > 0.
   */
  scale: readonly number[];
  /** Above this distance (in `scale` units) a segment is new rather than its predecessor moved. */
  maxDistance?: number;
}

export interface StableIds {
  /** Stable id per segment, in the order of the centroids given. */
  ids: number[];
  /** For each segment, the distance to the previous centroid it took the id of; null when its id is new. */
  distances: (number | null)[];
  /** The next fresh id after this run. */
  nextId: number;
  /** Previous ids no segment of this run took, ascending. */
  retired: number[];
}

/**
 * Gives each segment of this run the id of the previous run's segment it continues.
 *
 * Clustered segments are matched one to one to the previous centroids by minimum total distance
 * (Hungarian algorithm), where leaving a segment unmatched costs `maxDistance`: a pair further
 * apart than that is never matched, and a pair is matched only when it is cheaper than calling
 * the segment new. The segment without a centroid (customers who never purchased) inherits the
 * previous such segment's id. Segments left unmatched get fresh ids from the previous `nextId`
 * up, in the order given. Without a previous file, ids are 0, 1, ... in the order given.
 *
 * @param centroids - this run's segments: mean features before standardisation, or null for the unclustered segment
 * @param previous - the previous run's centroids, already checked to use the same features
 * @param options - this run's scale and the match threshold
 * @example
 * const previous = {
 *   nextId: 8,
 *   segments: [
 *     { segmentId: 7, name: 'Lost', customers: 90, centroid: [1, 1] },
 *     { segmentId: 3, name: 'Champions', customers: 10, centroid: [5, 1] },
 *   ],
 * };
 * assignStableIds([[5, 1.2], [1, 1], [9, 9]], previous, { scale: [1, 1] }).ids // [3, 7, 8]
 */
export function assignStableIds(
  centroids: readonly (readonly number[] | null)[],
  previous: Pick<SegmentCentroidsFile, 'segments' | 'nextId'> | undefined,
  options: StableIdOptions,
): StableIds {
  const { scale, maxDistance = DEFAULT_MAX_MATCH_DISTANCE } = options;
  if (!(maxDistance >= 0 && Number.isFinite(maxDistance))) {
    throw new RangeError(`maxDistance must be finite and >= 0, got ${maxDistance}`);
  }
  if (!scale.every((s) => Number.isFinite(s) && s > 0)) {
    throw new RangeError(`every scale must be finite and > 0, got [${scale.join(', ')}]`);
  }
  if (centroids.filter((c) => c === null).length > 1) {
    throw new RangeError('at most one segment can have no centroid');
  }
  for (const c of [...centroids, ...(previous?.segments.map((s) => s.centroid) ?? [])]) {
    if (c !== null && c.length !== scale.length) {
      throw new RangeError(`centroids have ${scale.length} coordinates, one per scale, got ${c.length}`);
    }
  }

  const ids = new Array<number>(centroids.length).fill(-1);
  const distances = new Array<number | null>(centroids.length).fill(null);
  const prev = previous?.segments ?? [];

  const current = centroids.flatMap((c, i) => (c === null ? [] : [{ index: i, centroid: c }]));
  const before = prev.flatMap((s) =>
    s.centroid === null ? [] : [{ id: s.segmentId, centroid: s.centroid }],
  );
  if (current.length > 0 && before.length > 0) {
    // Columns: the previous segments, then one "new" option per current segment, so that every
    // segment can always be left unmatched at the cost of maxDistance.
    const cost = current.map(({ centroid }) => [
      ...before.map((b) => {
        const d = scaledDistance(centroid, b.centroid, scale);
        return d <= maxDistance ? d : Number.POSITIVE_INFINITY;
      }),
      ...current.map(() => maxDistance),
    ]);
    minCostAssignment(cost).forEach((column, row) => {
      const match = before[column];
      const segment = current[row];
      if (match === undefined || segment === undefined) return;
      ids[segment.index] = match.id;
      distances[segment.index] = cost[row]?.[column] ?? null;
    });
  }
  const unclustered = centroids.indexOf(null);
  const previousUnclustered = prev.find((s) => s.centroid === null);
  if (unclustered >= 0 && previousUnclustered !== undefined) {
    ids[unclustered] = previousUnclustered.segmentId;
    distances[unclustered] = 0;
  }

  let nextId = previous?.nextId ?? 0;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === -1) ids[i] = nextId++;
  }
  const taken = new Set(ids);
  const retired = prev
    .map((s) => s.segmentId)
    .filter((id) => !taken.has(id))
    .sort((a, b) => a - b);
  return { ids, distances, nextId, retired };
}

/**
 * Euclidean distance between two points after dividing each coordinate by `scale`.
 *
 * @param a - a point
 * @param b - a point of the same length
 * @param scale - per coordinate, > 0
 * @example scaledDistance([0, 0], [3, 8], [1, 2]) // 5
 */
export function scaledDistance(a: readonly number[], b: readonly number[], scale: readonly number[]): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) {
    const diff = ((a[d] ?? 0) - (b[d] ?? 0)) / (scale[d] ?? 1);
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}

/**
 * Minimum-cost assignment of every row to a distinct column (Hungarian algorithm with
 * potentials, O(rows² · columns)). Needs rows <= columns; +Infinity marks a forbidden pair, and
 * some assignment must avoid them all. Exact ties resolve the same way every time.
 *
 * @param cost - cost[row][column], finite or +Infinity, every row the same length
 * @returns the column of each row
 * @example minCostAssignment([[4, 1], [2, 3]]) // [1, 0]
 */
export function minCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  const m = cost[0]?.length ?? 0;
  if (n === 0) return [];
  if (m < n) throw new RangeError(`need at least as many columns as rows, got ${n}x${m}`);
  for (const row of cost) {
    if (row.length !== m) throw new RangeError('every row of the cost matrix must have the same length');
    if (row.some((c) => Number.isNaN(c) || c === Number.NEGATIVE_INFINITY)) {
      throw new RangeError('costs must be numbers below +Infinity or +Infinity itself');
    }
  }

  // 1-based, column 0 is the virtual start of each augmenting path (the e-maxx formulation).
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(m + 1).fill(0);
  const rowOfColumn = new Array<number>(m + 1).fill(0);
  const way = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    rowOfColumn[0] = i;
    let j0 = 0;
    const minv = new Array<number>(m + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Array<boolean>(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = rowOfColumn[j0] ?? 0;
      const row = cost[i0 - 1] ?? [];
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = (row[j - 1] ?? Number.POSITIVE_INFINITY) - (u[i0] ?? 0) - (v[j] ?? 0);
        if (reduced < (minv[j] ?? Number.POSITIVE_INFINITY)) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if ((minv[j] ?? Number.POSITIVE_INFINITY) < delta) {
          delta = minv[j] ?? Number.POSITIVE_INFINITY;
          j1 = j;
        }
      }
      if (j1 === 0) throw new RangeError('every assignment uses a forbidden (+Infinity) pair');
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const r = rowOfColumn[j] ?? 0;
          u[r] = (u[r] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else {
          minv[j] = (minv[j] ?? 0) - delta;
        }
      }
      j0 = j1;
    } while ((rowOfColumn[j0] ?? 0) !== 0);
    do {
      const j1 = way[j0] ?? 0;
      rowOfColumn[j0] = rowOfColumn[j1] ?? 0;
      j0 = j1;
    } while (j0 !== 0);
  }

  const columnOfRow = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) {
    const r = rowOfColumn[j] ?? 0;
    if (r > 0) columnOfRow[r - 1] = j - 1;
  }
  return columnOfRow;
}
