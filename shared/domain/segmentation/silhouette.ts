/**
 * Mean silhouette coefficient of a labelling, with Euclidean distances.
 *
 * Conventions follow scikit-learn so numbers are comparable: a point alone in its cluster scores 0,
 * and a point whose mean distances to its own and nearest other cluster are both 0 (duplicates)
 * scores 0. A point with no other cluster to compare against also scores 0, so a single-cluster
 * labelling has silhouette 0.
 *
 * Cost is O(n² · d) time and O(n · k) memory: callers must pass a bounded sample, not a population.
 *
 * @param points - the points, all of the same width
 * @param labels - cluster id per point, in `0..k-1`
 * @param k - number of cluster ids
 * @example meanSilhouette([[0], [1], [10], [11]], [0, 0, 1, 1], 2) // ≈ 0.9
 */
export function meanSilhouette(
  points: readonly (readonly number[])[],
  labels: ArrayLike<number>,
  k: number,
): number {
  const n = points.length;
  if (n === 0 || k < 2) return 0;
  const width = points[0]?.length ?? 0;

  // Flat copy: the double loop below is the hot spot, and typed-array reads beat nested arrays.
  const flat = new Float64Array(n * width);
  points.forEach((p, i) => {
    for (let d = 0; d < width; d++) flat[i * width + d] = p[d] ?? 0;
  });
  const label = Int32Array.from({ length: n }, (_, i) => labels[i] ?? 0);
  const counts = new Int32Array(k);
  for (const c of label) counts[c] = (counts[c] ?? 0) + 1;

  // sums[i * k + c] = total distance from point i to the points of cluster c.
  const sums = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const li = label[i] ?? 0;
    for (let j = i + 1; j < n; j++) {
      let sq = 0;
      for (let d = 0; d < width; d++) {
        const diff = (flat[i * width + d] ?? 0) - (flat[j * width + d] ?? 0);
        sq += diff * diff;
      }
      const dist = Math.sqrt(sq);
      const lj = label[j] ?? 0;
      sums[i * k + lj] = (sums[i * k + lj] ?? 0) + dist;
      sums[j * k + li] = (sums[j * k + li] ?? 0) + dist;
    }
  }

  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = label[i] ?? 0;
    const ownCount = counts[own] ?? 0;
    if (ownCount <= 1) continue;
    const a = (sums[i * k + own] ?? 0) / (ownCount - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const count = counts[c] ?? 0;
      if (c === own || count === 0) continue;
      b = Math.min(b, (sums[i * k + c] ?? 0) / count);
    }
    const denom = Math.max(a, b);
    if (b === Number.POSITIVE_INFINITY || denom === 0) continue;
    total += (b - a) / denom;
  }
  return total / n;
}
