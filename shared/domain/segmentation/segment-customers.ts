import { countDistinct, fitKMeans } from './clustering';
import { seededSample } from './sampling';
import { rfmFeatures, standardize } from './scaling';
import { type ClusterProfile, nameClusters } from './segment-names';
import { meanSilhouette } from './silhouette';

export interface CustomerActivity {
  customerId: string;
  /** Days since the last purchase before the cut-off; null = never purchased. */
  recencyDays: number | null;
  /** Distinct transactions in the 365 days before the cut-off. */
  frequency: number;
  /** Net revenue in those 365 days (can be <= 0 because of returns). */
  monetary: number;
}

export interface SegmentationOptions {
  /** Integer seed for the silhouette sample and the k-means++ initialisation. */
  seed: number;
  /** Default 3. */
  kMin?: number;
  /** Default 8, at most 8 (one distinct name per cluster). */
  kMax?: number;
  /** Default 2000, at most 10,000: customers sampled (seeded) to compute silhouettes. */
  sampleSize?: number;
  /** Default 100. */
  maxIterations?: number;
}

export type SegmentName =
  | 'Champions'
  | 'Loyal'
  | 'Potential loyalists'
  | 'New'
  | 'At risk'
  | "Can't lose"
  | 'Hibernating'
  | 'Lost'
  | 'No purchase yet';

export interface Segment {
  segmentId: number;
  name: SegmentName;
  customers: number;
  /** The segment's sum of max(monetary, 0) over that sum for all customers; 0 when that total is 0. */
  revenueShare: number;
  /** Mean in days; -1 for 'No purchase yet', whose customers have no last purchase. */
  meanRecencyDays: number;
  meanFrequency: number;
  /** Mean net revenue, returns included (so it can be negative). */
  meanMonetary: number;
}

export interface SegmentationResult {
  /** Clusters found by k-means (excluding the no-purchase segment). */
  k: number;
  /** Mean silhouette of the chosen k on the sample; 0 when k <= 1. */
  silhouette: number;
  /** Segment id per input customer, same order as the input. */
  segmentOf: Int32Array;
  /** Ordered by segmentId. */
  segments: Segment[];
}

/** What k-means clusters on, in the order of `rfmFeatures`; stored with centroids so a change of features is noticed. */
export const SEGMENTATION_FEATURES: readonly string[] = [
  'log1p(recency_days)',
  'log1p(frequency)',
  'log1p(max(monetary, 0))',
];

export interface SegmentCentroids {
  /** Per segment, in `segments` order: the mean of its customers' features before standardisation; null for 'No purchase yet'. */
  centroids: (number[] | null)[];
  /** The standardisation divisor of each feature over the clustered customers: this run's unit of distance. */
  scale: number[];
}

const MAX_NAMED_CLUSTERS = 8;
// Silhouette is quadratic in the sample: 10k points is ~50M distance pairs per candidate k.
const MAX_SAMPLE_SIZE = 10_000;

/**
 * Splits customers into RFM segments with k-means on log-scaled, z-scored recency, frequency and
 * monetary value. k is the one in kMin..kMax with the best mean silhouette on a seeded sample
 * (smallest k on ties), fitted on all customers who purchased. Segment 0 is the cluster with the
 * highest mean monetary value; customers who never purchased share one extra, last segment.
 * Same input and seed give the same result.
 *
 * @param customers - one row per customer
 * @param options - seed and search bounds
 * @example
 * const { segmentOf, segments } = segmentCustomers(activity, { seed: 42 });
 * segments[segmentOf[0] ?? 0]?.name; // e.g. 'Champions'
 */
export function segmentCustomers(
  customers: readonly CustomerActivity[],
  options: SegmentationOptions,
): SegmentationResult {
  const { seed, kMin, kMax, sampleSize, maxIterations } = resolveOptions(options);
  customers.forEach(validateCustomer);

  const clustered: number[] = [];
  customers.forEach((c, i) => {
    if (c.recencyDays !== null) clustered.push(i);
  });
  const points = standardize(
    clustered.map((i) => {
      const c = customers[i] as CustomerActivity;
      return rfmFeatures(c.recencyDays ?? 0, c.frequency, c.monetary);
    }),
  ).rows;

  const fit = chooseClustering(points, { seed, kMin, kMax, sampleSize, maxIterations });

  // Rank clusters by value so ids mean something and do not depend on k-means' arbitrary numbering.
  const stats = Array.from({ length: fit.k }, () => newAccumulator());
  clustered.forEach((customerIndex, p) => {
    add(stats[fit.labels[p] ?? 0], customers[customerIndex], customerIndex);
  });
  const order = stats.map((_, cluster) => cluster).sort((a, b) => compareClusters(stats[a], stats[b]));
  const idOfCluster = new Int32Array(fit.k);
  order.forEach((cluster, id) => {
    idOfCluster[cluster] = id;
  });

  const noPurchaseId = fit.k;
  const noPurchase = newAccumulator();
  const segmentOf = new Int32Array(customers.length).fill(noPurchaseId);
  clustered.forEach((customerIndex, p) => {
    segmentOf[customerIndex] = idOfCluster[fit.labels[p] ?? 0] ?? 0;
  });
  customers.forEach((c, i) => {
    if (c.recencyDays === null) add(noPurchase, c, i);
  });

  const ordered = order.map((cluster) => stats[cluster] ?? newAccumulator());
  const names = nameClusters(ordered.map(profileOf));
  const totalRevenue = ordered.reduce((sum, s) => sum + s.positiveRevenue, noPurchase.positiveRevenue);
  const share = (s: Accumulator) => (totalRevenue > 0 ? s.positiveRevenue / totalRevenue : 0);

  const segments: Segment[] = ordered.map((s, id) => ({
    segmentId: id,
    name: names[id] ?? 'Lost',
    customers: s.count,
    revenueShare: share(s),
    ...profileOf(s),
  }));
  if (noPurchase.count > 0) {
    segments.push({
      segmentId: noPurchaseId,
      name: 'No purchase yet',
      customers: noPurchase.count,
      revenueShare: share(noPurchase),
      meanRecencyDays: -1,
      meanFrequency: noPurchase.frequency / noPurchase.count,
      meanMonetary: noPurchase.monetary / noPurchase.count,
    });
  }
  return { k: fit.k, silhouette: fit.silhouette, segmentOf, segments };
}

/**
 * The centroid of each segment of a result, in {@link SEGMENTATION_FEATURES} units (log-scaled,
 * not standardised), and the scale that standardised them. Centroids in these units can be
 * compared across runs, whereas z-scores shift whenever the population does.
 *
 * @param customers - the input of `segmentCustomers`
 * @param result - its result
 */
export function segmentCentroids(
  customers: readonly CustomerActivity[],
  result: SegmentationResult,
): SegmentCentroids {
  const width = SEGMENTATION_FEATURES.length;
  const sums = result.segments.map(() => new Array<number>(width).fill(0));
  const counts = new Array<number>(result.segments.length).fill(0);
  const rows: number[][] = [];
  customers.forEach((c, i) => {
    if (c.recencyDays === null) return;
    const row = rfmFeatures(c.recencyDays, c.frequency, c.monetary);
    rows.push(row);
    const id = result.segmentOf[i] ?? -1;
    const sum = sums[id];
    if (sum === undefined) return;
    counts[id] = (counts[id] ?? 0) + 1;
    row.forEach((x, d) => {
      sum[d] = (sum[d] ?? 0) + x;
    });
  });
  const centroids = result.segments.map((s, id) =>
    s.name === 'No purchase yet' ? null : (sums[id] ?? []).map((x) => x / Math.max(counts[id] ?? 0, 1)),
  );
  // With nobody clustered there is nothing to standardise; unit scale keeps the width right.
  const scale = rows.length > 0 ? standardize(rows).scale : new Array<number>(width).fill(1);
  return { centroids, scale };
}

interface ResolvedOptions {
  seed: number;
  kMin: number;
  kMax: number;
  sampleSize: number;
  maxIterations: number;
}

function resolveOptions(options: SegmentationOptions): ResolvedOptions {
  const { seed, kMin = 3, kMax = 8, sampleSize = 2000, maxIterations = 100 } = options;
  // Both PRNGs underneath (pure-rand, ml-xsadd) need an integer seed.
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!Number.isInteger(kMin) || kMin < 2) throw new RangeError(`kMin must be an integer >= 2, got ${kMin}`);
  if (!Number.isInteger(kMax) || kMax < kMin || kMax > MAX_NAMED_CLUSTERS) {
    throw new RangeError(`kMax must be an integer in kMin..${MAX_NAMED_CLUSTERS}, got ${kMax}`);
  }
  if (!Number.isInteger(sampleSize) || sampleSize < 2 || sampleSize > MAX_SAMPLE_SIZE) {
    throw new RangeError(`sampleSize must be an integer in 2..${MAX_SAMPLE_SIZE}, got ${sampleSize}`);
  }
  // ml-kmeans reads 0 as "iterate until convergence", which has no bound.
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`maxIterations must be an integer >= 1, got ${maxIterations}`);
  }
  return { seed, kMin, kMax, sampleSize, maxIterations };
}

function validateCustomer(c: CustomerActivity): void {
  const { customerId, recencyDays, frequency, monetary } = c;
  if (recencyDays !== null && !(Number.isFinite(recencyDays) && recencyDays >= 0)) {
    throw new RangeError(
      `customer ${customerId}: recencyDays must be null or finite >= 0, got ${recencyDays}`,
    );
  }
  if (!(Number.isFinite(frequency) && frequency >= 0)) {
    throw new RangeError(`customer ${customerId}: frequency must be finite >= 0, got ${frequency}`);
  }
  if (!Number.isFinite(monetary)) {
    throw new RangeError(`customer ${customerId}: monetary must be finite, got ${monetary}`);
  }
}

interface Choice {
  k: number;
  labels: Int32Array;
  silhouette: number;
}

function chooseClustering(points: number[][], o: ResolvedOptions): Choice {
  const n = points.length;
  if (n === 0) return { k: 0, labels: new Int32Array(0), silhouette: 0 };

  // k-means++ cannot seed more centres than there are distinct points; with fewer than kMin
  // distinct points, each becomes its own cluster.
  const distinct = countDistinct(points, o.kMax);
  const from = Math.min(o.kMin, distinct);
  const to = Math.min(o.kMax, distinct);

  const sample = seededSample(n, o.sampleSize, o.seed);
  const samplePoints = Array.from(sample, (i) => points[i] ?? []);

  let best: Choice | undefined;
  for (let k = from; k <= to; k++) {
    const fit = fitKMeans(points, k, o.seed, o.maxIterations);
    const sampleLabels = Int32Array.from(sample, (i) => fit.labels[i] ?? 0);
    const silhouette = meanSilhouette(samplePoints, sampleLabels, fit.k);
    // Strictly greater: on a tie the simpler model (smaller k) wins.
    if (best === undefined || silhouette > best.silhouette) {
      best = { k: fit.k, labels: fit.labels, silhouette };
    }
  }
  if (best === undefined) throw new Error('unreachable: at least one candidate k when n > 0');
  return best;
}

interface Accumulator {
  count: number;
  recency: number;
  frequency: number;
  monetary: number;
  positiveRevenue: number;
  firstIndex: number;
}

function newAccumulator(): Accumulator {
  return {
    count: 0,
    recency: 0,
    frequency: 0,
    monetary: 0,
    positiveRevenue: 0,
    firstIndex: Number.POSITIVE_INFINITY,
  };
}

function add(acc: Accumulator | undefined, c: CustomerActivity | undefined, index: number): void {
  if (acc === undefined || c === undefined) return;
  acc.count++;
  acc.recency += c.recencyDays ?? 0;
  acc.frequency += c.frequency;
  acc.monetary += c.monetary;
  acc.positiveRevenue += Math.max(c.monetary, 0);
  acc.firstIndex = Math.min(acc.firstIndex, index);
}

function profileOf(s: Accumulator): ClusterProfile {
  const n = Math.max(s.count, 1);
  return { meanRecencyDays: s.recency / n, meanFrequency: s.frequency / n, meanMonetary: s.monetary / n };
}

/** Highest mean monetary first, then most recent, then most frequent, then input order. */
function compareClusters(a: Accumulator | undefined, b: Accumulator | undefined): number {
  if (a === undefined || b === undefined) return 0;
  const pa = profileOf(a);
  const pb = profileOf(b);
  return (
    pb.meanMonetary - pa.meanMonetary ||
    pa.meanRecencyDays - pb.meanRecencyDays ||
    pb.meanFrequency - pa.meanFrequency ||
    a.firstIndex - b.firstIndex
  );
}
