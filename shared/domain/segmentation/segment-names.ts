import type { SegmentName } from './segment-customers';

/** Names k-means clusters can get; 'No purchase yet' is reserved for customers who were not clustered. */
export type ClusterName = Exclude<SegmentName, 'No purchase yet'>;

/** A cluster's mean activity, in original units. */
export interface ClusterProfile {
  meanRecencyDays: number;
  meanFrequency: number;
  meanMonetary: number;
}

/** Where a cluster stands among the others on each axis: 0 = worst, 1 = best. */
export interface Standing {
  /** 1 = bought most recently. */
  r: number;
  /** 1 = buys most often. */
  f: number;
  /** 1 = spends most. */
  m: number;
}

/**
 * The ideal standing of each name. New has no tenure data to go on, so "short history" is read as
 * "recent but few purchases". Listed in preference order, which only breaks exact ties.
 */
export const NAME_PROTOTYPES: readonly { readonly name: ClusterName; readonly at: Standing }[] = [
  { name: 'Champions', at: { r: 1, f: 1, m: 1 } },
  { name: 'Loyal', at: { r: 0.75, f: 0.75, m: 0.75 } },
  { name: 'Potential loyalists', at: { r: 0.75, f: 0.5, m: 0.5 } },
  { name: 'New', at: { r: 1, f: 0, m: 0 } },
  { name: 'At risk', at: { r: 0.25, f: 0.75, m: 0.75 } },
  { name: "Can't lose", at: { r: 0, f: 1, m: 1 } },
  { name: 'Hibernating', at: { r: 0.25, f: 0.25, m: 0.25 } },
  { name: 'Lost', at: { r: 0, f: 0, m: 0 } },
];

/**
 * Relative standing of each cluster on recency, frequency and monetary value.
 *
 * Each axis is the mean of two positions in [0, 1]: the rank percentile (robust to one extreme
 * cluster) and the min-max position on a log1p scale (keeps real gaps: two clusters at 5 and 8
 * days both read as recent next to one at 300). Ties share their average rank; a single cluster,
 * or an axis where all clusters are equal, stands at 0.5.
 *
 * @param profiles - one per cluster
 */
export function clusterStandings(profiles: readonly ClusterProfile[]): Standing[] {
  // Recency is negated so that "higher is better" holds on every axis.
  const r = relativePosition(profiles.map((p) => -Math.log1p(Math.max(p.meanRecencyDays, 0))));
  const f = relativePosition(profiles.map((p) => Math.log1p(Math.max(p.meanFrequency, 0))));
  const m = relativePosition(profiles.map((p) => Math.log1p(Math.max(p.meanMonetary, 0))));
  return profiles.map((_, i) => ({ r: r[i] ?? 0.5, f: f[i] ?? 0.5, m: m[i] ?? 0.5 }));
}

/**
 * Names clusters uniquely from their profiles: {@link clusterStandings}, then {@link assignNames}.
 *
 * @param profiles - one per cluster, at most NAME_PROTOTYPES.length
 * @example
 * nameClusters([
 *   { meanRecencyDays: 5, meanFrequency: 20, meanMonetary: 3000 },
 *   { meanRecencyDays: 300, meanFrequency: 1, meanMonetary: 20 },
 * ]) // ['Champions', 'Lost']
 */
export function nameClusters(profiles: readonly ClusterProfile[]): ClusterName[] {
  return assignNames(clusterStandings(profiles));
}

/**
 * Gives each standing a distinct name (at most 8 standings, one per name).
 *
 * Each standing is scored against every prototype by squared Euclidean distance. Then, best fit
 * first over all (cluster, name) pairs, a pair is accepted when neither the cluster nor the name
 * is taken yet. So when two clusters want the same name the closer one gets it and the other falls
 * to its next best free name. Exact ties go to the lower cluster index, then to the earlier name
 * in NAME_PROTOTYPES.
 *
 * @param standings - one per cluster
 * @example assignNames([{ r: 1, f: 1, m: 1 }, { r: 0.9, f: 0.9, m: 0.9 }]) // ['Champions', 'Loyal']
 */
export function assignNames(standings: readonly Standing[]): ClusterName[] {
  if (standings.length > NAME_PROTOTYPES.length) {
    throw new RangeError(
      `cannot name ${standings.length} clusters uniquely with ${NAME_PROTOTYPES.length} names`,
    );
  }
  const pairs: { cluster: number; name: number; distance: number }[] = [];
  standings.forEach((s, cluster) => {
    NAME_PROTOTYPES.forEach(({ at }, name) => {
      const distance = (s.r - at.r) ** 2 + (s.f - at.f) ** 2 + (s.m - at.m) ** 2;
      pairs.push({ cluster, name, distance });
    });
  });
  pairs.sort((a, b) => a.distance - b.distance || a.cluster - b.cluster || a.name - b.name);

  const names = new Array<ClusterName | undefined>(standings.length);
  const nameTaken = new Array<boolean>(NAME_PROTOTYPES.length).fill(false);
  for (const { cluster, name } of pairs) {
    const prototype = NAME_PROTOTYPES[name];
    if (names[cluster] !== undefined || nameTaken[name] || prototype === undefined) continue;
    names[cluster] = prototype.name;
    nameTaken[name] = true;
  }
  return names.map((n) => {
    if (n === undefined) throw new Error('unreachable: every cluster gets a name when k <= names');
    return n;
  });
}

function relativePosition(values: readonly number[]): number[] {
  const n = values.length;
  if (n <= 1) return values.map(() => 0.5);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => {
    let below = 0;
    let equal = 0;
    for (const w of values) {
      if (w < v) below++;
      else if (w === v) equal++;
    }
    const rank = (below + (equal - 1) / 2) / (n - 1);
    const minMax = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return (rank + minMax) / 2;
  });
}
