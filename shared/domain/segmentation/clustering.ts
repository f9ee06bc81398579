import { kmeans } from 'ml-kmeans';

export interface ClusterFit {
  /** Non-empty clusters; can be below the requested k when k-means empties a cluster. */
  k: number;
  /** Cluster per point, in `0..k-1`, numbered by first appearance in the input. */
  labels: Int32Array;
  converged: boolean;
}

/**
 * Counts distinct points, stopping early at `limit` because callers only need to know whether
 * there are enough of them for k clusters.
 *
 * @param points - the points
 * @param limit - stop counting once this many distinct points are found
 * @example countDistinct([[0], [0], [1]], 10) // 2
 */
export function countDistinct(points: readonly (readonly number[])[], limit: number): number {
  const seen = new Set<string>();
  for (const p of points) {
    seen.add(p.join(','));
    if (seen.size >= limit) break;
  }
  return seen.size;
}

/**
 * Seeded k-means++ (ml-kmeans) on all points. Requires `1 <= k <= distinct points`: k-means++ can
 * only pick k different initial centres when that many distinct points exist.
 *
 * @param points - standardized features, one row per point
 * @param k - clusters wanted
 * @param seed - integer seed for the k-means++ initialisation
 * @param maxIterations - Lloyd iterations cap, >= 1
 */
export function fitKMeans(points: number[][], k: number, seed: number, maxIterations: number): ClusterFit {
  if (k === 1) return { k: 1, labels: new Int32Array(points.length), converged: true };
  const result = kmeans(points, k, { initialization: 'kmeans++', seed, maxIterations });

  // ml-kmeans keeps an emptied cluster's old centre and label slot; renumbering by first appearance
  // drops such holes so every reported cluster has members.
  const renumber = new Int32Array(k).fill(-1);
  const labels = new Int32Array(points.length);
  let next = 0;
  result.clusters.forEach((raw, i) => {
    let id = renumber[raw] ?? -1;
    if (id < 0) {
      id = next++;
      renumber[raw] = id;
    }
    labels[i] = id;
  });
  return { k: next, labels, converged: result.converged };
}
