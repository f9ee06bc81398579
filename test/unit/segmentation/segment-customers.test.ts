import { describe, expect, it } from 'vitest';
import { rfmFeatures, standardize } from '#shared/domain/segmentation/scaling';
import {
  type CustomerActivity,
  SEGMENTATION_FEATURES,
  type SegmentationResult,
  segmentCentroids,
  segmentCustomers,
} from '#shared/domain/segmentation/segment-customers';

const c = (customerId: string, recencyDays: number | null, frequency: number, monetary: number) => ({
  customerId,
  recencyDays,
  frequency,
  monetary,
});

// Three tight groups, interleaved so that grouping cannot come from input order:
// a = recent, frequent, high value; b = middling; z = long ago, one purchase, low value.
const threeBlobs: CustomerActivity[] = [
  c('a1', 2, 20, 2000),
  c('z1', 300, 1, 20),
  c('b1', 60, 5, 300),
  c('a2', 3, 22, 2200),
  c('z2', 310, 1, 25),
  c('b2', 65, 6, 320),
  c('a3', 2, 21, 2100),
  c('z3', 305, 1, 22),
  c('b3', 62, 5, 280),
  c('a4', 3, 20, 2050),
  c('b4', 58, 6, 310),
  c('z4', 320, 1, 18),
  c('a5', 2, 23, 2300),
  c('b5', 63, 5, 295),
  c('z5', 315, 1, 24),
];
// Highest mean monetary first: a -> 0, b -> 1, z -> 2.
const expectedBlobSegments = threeBlobs.map((x) => ({ a: 0, b: 1, z: 2 })[x.customerId.charAt(0)]);

/** A continuous cloud with no natural k, from a tiny LCG so the fixture is fixed. */
function ambiguousCloud(n: number): CustomerActivity[] {
  let state = 12345;
  const next = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  return Array.from({ length: n }, (_, i) => {
    const recencyDays = Math.floor(next() * 365);
    const frequency = 1 + Math.floor(next() * 12);
    return c(`x${i}`, recencyDays, frequency, Math.round(frequency * next() * 150 - 40));
  });
}

function expectConsistent(result: SegmentationResult, input: readonly CustomerActivity[]): void {
  expect(result.segmentOf).toHaveLength(input.length);
  expect(result.segments.map((s) => s.segmentId)).toEqual(result.segments.map((_, i) => i));
  const counts = new Array<number>(result.segments.length).fill(0);
  for (const id of result.segmentOf) counts[id] = (counts[id] ?? 0) + 1;
  expect(result.segments.map((s) => s.customers)).toEqual(counts);
  expect(new Set(result.segments.map((s) => s.name)).size).toBe(result.segments.length);
  const clustered = result.segments.filter((s) => s.name !== 'No purchase yet');
  expect(clustered).toHaveLength(result.k);
  for (let i = 1; i < clustered.length; i++) {
    expect(clustered[i]?.meanMonetary).toBeLessThanOrEqual(clustered[i - 1]?.meanMonetary ?? Number.NaN);
  }
}

describe('segmentCustomers', () => {
  it('finds the three blobs, choosing k = 3 over the allowed 2 and 4..8', () => {
    const result = segmentCustomers(threeBlobs, { seed: 1, kMin: 2 });
    expect(result.k).toBe(3);
    expect(Array.from(result.segmentOf)).toEqual(expectedBlobSegments);
    expect(result.silhouette).toBeGreaterThan(0.9);
    expect(result.silhouette).toBeLessThanOrEqual(1);
    expectConsistent(result, threeBlobs);
  });

  it('reports segment means in original units and value-ordered ids', () => {
    const [a, b, z] = segmentCustomers(threeBlobs, { seed: 1 }).segments;
    expect(a).toMatchObject({ segmentId: 0, name: 'Champions', customers: 5, meanFrequency: 21.2 });
    expect(a?.meanRecencyDays).toBeCloseTo(2.4, 12);
    expect(a?.meanMonetary).toBeCloseTo(2130, 12);
    expect(b).toMatchObject({ segmentId: 1, customers: 5, meanRecencyDays: 61.6, meanMonetary: 301 });
    expect(z).toMatchObject({
      segmentId: 2,
      name: 'Lost',
      customers: 5,
      meanRecencyDays: 310,
      meanFrequency: 1,
    });
  });

  it('still finds the blobs when silhouettes come from a small sample', () => {
    const big = threeBlobs.flatMap((x) =>
      [0, 1, 2, 3].map((j) => ({ ...x, customerId: `${x.customerId}-${j}`, monetary: x.monetary + j })),
    );
    const result = segmentCustomers(big, { seed: 5, kMin: 2, sampleSize: 12 });
    expect(result.k).toBe(3);
    expect(Array.from(result.segmentOf)).toEqual(expectedBlobSegments.flatMap((s) => [s, s, s, s]));
  });

  it('is deterministic for a seed, and valid for any seed', () => {
    const cloud = ambiguousCloud(400);
    const options = { seed: 42, sampleSize: 150 };
    const first = segmentCustomers(cloud, options);
    expect(segmentCustomers(cloud, options)).toEqual(first);
    for (const seed of [1, 2, 3]) {
      const other = segmentCustomers(cloud, { ...options, seed });
      expect(other.k).toBeGreaterThanOrEqual(3);
      expect(other.k).toBeLessThanOrEqual(8);
      expectConsistent(other, cloud);
    }
  });

  it("sends customers who never purchased to a last 'No purchase yet' segment", () => {
    const input = [
      c('n1', null, 0, 0),
      ...threeBlobs.slice(0, 7),
      c('n2', null, 0, 0),
      ...threeBlobs.slice(7),
      c('n3', null, 0, 0),
    ];
    const result = segmentCustomers(input, { seed: 1 });
    expect(result.k).toBe(3);
    expect(Array.from(result.segmentOf)).toEqual([
      3,
      ...expectedBlobSegments.slice(0, 7),
      3,
      ...expectedBlobSegments.slice(7),
      3,
    ]);
    expect(result.segments[3]).toEqual({
      segmentId: 3,
      name: 'No purchase yet',
      customers: 3,
      revenueShare: 0,
      meanRecencyDays: -1,
      meanFrequency: 0,
      meanMonetary: 0,
    });
    expectConsistent(result, input);
  });

  it('names a constructed dataset sensibly and uniquely', () => {
    const input = [
      c('ch1', 3, 20, 2000),
      c('new1', 5, 1, 40),
      c('risk1', 200, 15, 1500),
      c('lost1', 330, 1, 20),
      c('ch2', 4, 22, 2400),
      c('new2', 6, 1, 45),
      c('risk2', 210, 14, 1400),
      c('lost2', 340, 1, 15),
      c('ch3', 2, 24, 2200),
      c('new3', 4, 1, 50),
      c('risk3', 190, 16, 1600),
      c('lost3', 335, 1, 25),
    ];
    const result = segmentCustomers(input, { seed: 1 });
    expect(result.k).toBe(4);
    const nameOf = (id: string) =>
      result.segments[result.segmentOf[input.findIndex((x) => x.customerId === id)] ?? -1]?.name;
    expect(nameOf('ch1')).toBe('Champions');
    expect(nameOf('new1')).toBe('New');
    expect(nameOf('risk1')).toBe('At risk');
    expect(['Lost', 'Hibernating']).toContain(nameOf('lost1'));
    expectConsistent(result, input);
  });

  it('computes revenue shares from non-negative revenue, summing to 1', () => {
    const input = [...threeBlobs, c('returner', 300, 1, -500), c('n', null, 0, 0)];
    const result = segmentCustomers(input, { seed: 1 });
    const shares = result.segments.map((s) => s.revenueShare);
    // Totals: a = 10,650; b = 1,505; z = 109 (the -500 counts as 0); all = 12,264.
    expect(shares[0]).toBeCloseTo(10650 / 12264, 12);
    expect(shares[1]).toBeCloseTo(1505 / 12264, 12);
    expect(shares[2]).toBeCloseTo(109 / 12264, 12);
    expect(shares.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(shares.every((s) => s >= 0)).toBe(true);
  });

  it('reports zero shares when nobody brought revenue', () => {
    const input = [c('p', 10, 1, -5), c('q', 200, 1, 0), c('r', 300, 2, -20)];
    expect(segmentCustomers(input, { seed: 1 }).segments.map((s) => s.revenueShare)).toEqual([0, 0, 0]);
  });

  it('puts identical customers in one cluster without NaN', () => {
    const same = Array.from({ length: 10 }, (_, i) => c(`s${i}`, 7, 3, 150));
    const result = segmentCustomers(same, { seed: 1 });
    expect(result).toEqual({
      k: 1,
      silhouette: 0,
      segmentOf: new Int32Array(10),
      segments: [
        {
          segmentId: 0,
          name: 'Potential loyalists',
          customers: 10,
          revenueShare: 1,
          meanRecencyDays: 7,
          meanFrequency: 3,
          meanMonetary: 150,
        },
      ],
    });
  });

  it('clusters on the remaining features when one feature is constant', () => {
    const flatFrequency = threeBlobs.map((x) => ({ ...x, frequency: 4 }));
    const result = segmentCustomers(flatFrequency, { seed: 1, kMin: 2 });
    expect(result.k).toBe(3);
    expect(Array.from(result.segmentOf)).toEqual(expectedBlobSegments);
    expect(Number.isFinite(result.silhouette)).toBe(true);
  });

  it('uses one cluster per distinct customer when there are fewer than kMin', () => {
    const two = [c('big', 1, 10, 1000), c('small', 300, 1, 10), c('big-again', 1, 10, 1000)];
    const result = segmentCustomers(two, { seed: 1 });
    expect(result.k).toBe(2);
    expect(Array.from(result.segmentOf)).toEqual([0, 1, 0]);
    expect(result.segments.map((s) => s.name)).toEqual(['Champions', 'Lost']);
    // The two duplicates score 1; the singleton scores 0 by convention.
    expect(result.silhouette).toBeCloseTo(2 / 3, 12);
  });

  it('handles one customer, none, and only never-purchased customers', () => {
    const one = segmentCustomers([c('solo', 3, 2, 50)], { seed: 1 });
    expect(one.k).toBe(1);
    expect(Array.from(one.segmentOf)).toEqual([0]);
    expect(one.segments).toHaveLength(1);

    expect(segmentCustomers([], { seed: 1 })).toEqual({
      k: 0,
      silhouette: 0,
      segmentOf: new Int32Array(0),
      segments: [],
    });

    const ghosts = segmentCustomers([c('g1', null, 0, 0), c('g2', null, 0, 0)], { seed: 1 });
    expect(ghosts.k).toBe(0);
    expect(Array.from(ghosts.segmentOf)).toEqual([0, 0]);
    expect(ghosts.segments.map((s) => [s.segmentId, s.name, s.customers])).toEqual([
      [0, 'No purchase yet', 2],
    ]);
  });

  it('rejects invalid options and activity', () => {
    expect(() => segmentCustomers(threeBlobs, { seed: 1.5 })).toThrow(RangeError);
    expect(() => segmentCustomers(threeBlobs, { seed: 1, kMax: 9 })).toThrow(RangeError);
    expect(() => segmentCustomers(threeBlobs, { seed: 1, kMin: 5, kMax: 4 })).toThrow(RangeError);
    expect(() => segmentCustomers(threeBlobs, { seed: 1, kMin: 1 })).toThrow(RangeError);
    expect(() => segmentCustomers(threeBlobs, { seed: 1, sampleSize: 20_000 })).toThrow(RangeError);
    expect(() => segmentCustomers(threeBlobs, { seed: 1, maxIterations: 0 })).toThrow(RangeError);
    expect(() => segmentCustomers([c('bad', -1, 1, 1)], { seed: 1 })).toThrow(/bad.*recencyDays/);
    expect(() => segmentCustomers([c('bad', 1, Number.NaN, 1)], { seed: 1 })).toThrow(/frequency/);
    expect(() => segmentCustomers([c('bad', 1, 1, Number.POSITIVE_INFINITY)], { seed: 1 })).toThrow(
      /monetary/,
    );
  });
});

describe('segmentCentroids', () => {
  it('gives each segment the mean of its log-scaled features, unstandardised, and the scale', () => {
    const input = [...threeBlobs, c('n', null, 0, 0)];
    const result = segmentCustomers(input, { seed: 1 });
    const { centroids, scale } = segmentCentroids(input, result);

    expect(centroids).toHaveLength(4);
    expect(centroids[3]).toBeNull();
    const blobA = threeBlobs.filter((x) => x.customerId.startsWith('a'));
    const meanOf = (d: number) =>
      blobA.reduce((sum, x) => sum + (rfmFeatures(x.recencyDays ?? 0, x.frequency, x.monetary)[d] ?? 0), 0) /
      blobA.length;
    expect(centroids[0]?.length).toBe(SEGMENTATION_FEATURES.length);
    centroids[0]?.forEach((x, d) => {
      expect(x).toBeCloseTo(meanOf(d), 12);
    });
    const expected = standardize(
      threeBlobs.map((x) => rfmFeatures(x.recencyDays ?? 0, x.frequency, x.monetary)),
    );
    expect(scale).toEqual(expected.scale);
  });

  it('uses unit scale when nobody was clustered', () => {
    const input = [c('g1', null, 0, 0)];
    expect(segmentCentroids(input, segmentCustomers(input, { seed: 1 }))).toEqual({
      centroids: [null],
      scale: [1, 1, 1],
    });
  });
});
