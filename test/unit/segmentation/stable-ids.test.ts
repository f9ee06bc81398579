import { describe, expect, it } from 'vitest';
import {
  assignStableIds,
  minCostAssignment,
  parseCentroidsFile,
  type SegmentCentroidsFile,
  type StoredSegment,
  scaledDistance,
} from '#shared/domain/segmentation/stable-ids';

const FEATURES = ['r', 'f', 'm'];
const UNIT = [1, 1, 1];

const stored = (segmentId: number, centroid: number[] | null, name = `s${segmentId}`): StoredSegment => ({
  segmentId,
  name,
  customers: 10,
  centroid,
});

const fileOf = (segments: StoredSegment[], nextId?: number): SegmentCentroidsFile => ({
  version: 1,
  runId: 'run-1',
  createdAt: '2026-11-22T07:00:00.000Z',
  matchedTo: null,
  features: FEATURES,
  nextId: nextId ?? Math.max(-1, ...segments.map((s) => s.segmentId)) + 1,
  segments,
});

/** A tiny LCG so that fixtures are fixed. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

/** Ten centroids at least 3 apart: corners and edges of a 3-D grid with spacing 3. */
const TEN = Array.from({ length: 10 }, (_, i) => [3 * (i % 3), 3 * Math.floor(i / 3), i % 2 === 0 ? 0 : 3]);

function bruteForceMin(cost: number[][]): number {
  const n = cost.length;
  const m = cost[0]?.length ?? 0;
  let best = Number.POSITIVE_INFINITY;
  const used = new Array<boolean>(m).fill(false);
  const go = (row: number, total: number) => {
    if (row === n) {
      best = Math.min(best, total);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(row + 1, total + (cost[row]?.[j] ?? 0));
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

const totalOf = (cost: number[][], columns: number[]) =>
  columns.reduce((sum, j, i) => sum + (cost[i]?.[j] ?? Number.NaN), 0);

describe('minCostAssignment', () => {
  it('finds the optimum that exhaustive search finds, on square and wide matrices', () => {
    const next = lcg(2024);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(next() * 6);
      const m = n + Math.floor(next() * 3);
      // Integer costs from a small range make ties common.
      const cost = Array.from({ length: n }, () => Array.from({ length: m }, () => Math.floor(next() * 5)));
      const columns = minCostAssignment(cost);
      expect(new Set(columns).size).toBe(n);
      expect(columns.every((j) => j >= 0 && j < m)).toBe(true);
      expect(totalOf(cost, columns)).toBeCloseTo(bruteForceMin(cost), 9);
    }
  });

  it('avoids forbidden (+Infinity) pairs and refuses when it cannot', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(
      minCostAssignment([
        [1, inf, 5],
        [0, inf, inf],
      ]),
    ).toEqual([2, 0]);
    expect(() =>
      minCostAssignment([
        [inf, 1],
        [inf, 2],
      ]),
    ).toThrow(/forbidden/);
  });

  it('handles the empty matrix and refuses tall or malformed ones', () => {
    expect(minCostAssignment([])).toEqual([]);
    expect(() => minCostAssignment([[1], [2]])).toThrow(/columns/);
    expect(() => minCostAssignment([[1, 2], [3]])).toThrow(/same length/);
    expect(() => minCostAssignment([[Number.NaN]])).toThrow(RangeError);
  });
});

describe('scaledDistance', () => {
  it('measures each coordinate in its own scale', () => {
    expect(scaledDistance([0, 0], [3, 8], [1, 2])).toBe(5);
  });
});

describe('assignStableIds', () => {
  it('numbers segments 0, 1, ... in the given order on the first run', () => {
    const result = assignStableIds([[0, 0, 0], null, [5, 5, 5]], undefined, { scale: UNIT });
    expect(result).toEqual({ ids: [0, 1, 2], distances: [null, null, null], nextId: 3, retired: [] });
  });

  it('gives permuted centroids their old ids back, for k up to 10', () => {
    for (const k of [1, 2, 3, 5, 8, 10]) {
      const ids = Array.from({ length: k }, (_, i) => 3 * i + 1); // not 0..k-1, to see they are kept
      const previous = fileOf(TEN.slice(0, k).map((c, i) => stored(ids[i] ?? -1, c)));
      const next = lcg(k);
      const order = Array.from({ length: k }, (_, i) => i).sort(() => next() - 0.5);
      // Each centroid drifts a little, as between two weekly runs.
      const current = order.map((i) => (TEN[i] ?? []).map((x) => x + (next() - 0.5) * 0.2));

      const result = assignStableIds(current, previous, { scale: UNIT });

      expect(result.ids).toEqual(order.map((i) => ids[i]));
      expect(result.nextId).toBe(previous.nextId);
      expect(result.retired).toEqual([]);
      expect(result.distances.every((d) => d !== null && d < 0.2)).toBe(true);
    }
  });

  it('gives a far-away new segment a fresh id above every previous one', () => {
    const previous = fileOf([stored(0, [0, 0, 0]), stored(4, [3, 0, 0])], 7);
    const result = assignStableIds(
      [
        [3, 0.1, 0],
        [20, 20, 20],
        [0, 0.1, 0],
      ],
      previous,
      { scale: UNIT },
    );
    expect(result.ids).toEqual([4, 7, 0]);
    expect(result.distances[1]).toBeNull();
    expect(result.nextId).toBe(8);
  });

  it('treats a segment beyond the threshold as new even when its previous spot is free', () => {
    const previous = fileOf([stored(0, [0, 0, 0]), stored(1, [6, 0, 0])]);
    // 1.5 from segment 1 at unit scale: beyond the default threshold of 1.
    const result = assignStableIds(
      [
        [0, 0, 0],
        [7.5, 0, 0],
      ],
      previous,
      { scale: UNIT },
    );
    expect(result.ids).toEqual([0, 2]);
    expect(result.retired).toEqual([1]);
    // The same gap is 0.75 of a scale of 2: within the threshold.
    expect(
      assignStableIds(
        [
          [0, 0, 0],
          [7.5, 0, 0],
        ],
        previous,
        { scale: [2, 2, 2] },
      ).ids,
    ).toEqual([0, 1]);
    expect(
      assignStableIds(
        [
          [0, 0, 0],
          [7.5, 0, 0],
        ],
        previous,
        { scale: UNIT, maxDistance: 2 },
      ).ids,
    ).toEqual([0, 1]);
  });

  it('retires the ids of segments that disappeared, and never reissues them', () => {
    const previous = fileOf(TEN.slice(0, 5).map((c, i) => stored(i, c)));
    const fewer = assignStableIds([TEN[3] ?? [], TEN[0] ?? []], previous, { scale: UNIT });
    expect(fewer).toMatchObject({ ids: [3, 0], nextId: 5, retired: [1, 2, 4] });

    const after = fileOf([stored(3, TEN[3] ?? []), stored(0, TEN[0] ?? [])], fewer.nextId);
    const grown = assignStableIds([TEN[0] ?? [], [30, 30, 30], TEN[3] ?? []], after, { scale: UNIT });
    expect(grown.ids).toEqual([0, 5, 3]);
  });

  it('hands a split segment its id once: to the half that stayed closer', () => {
    const previous = fileOf([stored(0, [0, 0, 0]), stored(1, [5, 5, 5])]);
    const result = assignStableIds(
      [
        [5.6, 5, 5],
        [4.8, 5, 5],
        [0, 0, 0],
      ],
      previous,
      { scale: UNIT },
    );
    expect(result.ids).toEqual([2, 1, 0]);
  });

  it('minimises the total distance rather than matching each segment in turn to its nearest', () => {
    const previous = fileOf([stored(10, [0, 0, 0]), stored(20, [0.6, 0, 0])], 21);
    const a = [0, 0, 0.5];
    const b = [0, 0, -0.3];
    // In turn, a would take 10 (0.5 away) and leave b 20: 0.5 + 0.67 = 1.17. a-20 and b-10 is 0.78 + 0.3 = 1.08.
    expect(scaledDistance(a, [0.6, 0, 0], UNIT) + 0.3).toBeLessThan(
      0.5 + scaledDistance(b, [0.6, 0, 0], UNIT),
    );
    expect(assignStableIds([a, b], previous, { scale: UNIT }).ids).toEqual([20, 10]);
  });

  it("keeps the never-purchased segment's id by kind, not by centroid", () => {
    const previous = fileOf([stored(0, [0, 0, 0]), stored(1, null, 'No purchase yet')]);
    expect(assignStableIds([null, [0, 0, 0]], previous, { scale: UNIT }).ids).toEqual([1, 0]);
    const noneBefore = fileOf([stored(0, [0, 0, 0])]);
    expect(assignStableIds([[0, 0, 0], null], noneBefore, { scale: UNIT }).ids).toEqual([0, 1]);
    expect(assignStableIds([[0, 0, 0]], previous, { scale: UNIT })).toMatchObject({ ids: [0], retired: [1] });
  });

  it('refuses a bad scale, mismatched widths and two unclustered segments', () => {
    const previous = fileOf([stored(0, [0, 0, 0])]);
    expect(() => assignStableIds([[0, 0, 0]], previous, { scale: [1, 0, 1] })).toThrow(RangeError);
    expect(() => assignStableIds([[0, 0]], previous, { scale: UNIT })).toThrow(/coordinates/);
    expect(() => assignStableIds([null, null], undefined, { scale: UNIT })).toThrow(/no centroid/);
    expect(() => assignStableIds([[0, 0, 0]], previous, { scale: UNIT, maxDistance: -1 })).toThrow(
      RangeError,
    );
  });
});

describe('parseCentroidsFile', () => {
  const good = fileOf([stored(0, [1, 2, 3], 'Champions'), stored(2, null, 'No purchase yet')], 5);

  it('accepts a valid file with the same features', () => {
    expect(parseCentroidsFile(JSON.stringify(good), FEATURES)).toEqual({ ok: true, file: good });
  });

  it('reports, never throws, on files it cannot use', () => {
    const problem = (text: string, features = FEATURES) => {
      const parsed = parseCentroidsFile(text, features);
      return parsed.ok ? 'ok' : parsed.problem;
    };
    expect(problem('{ not json')).toMatch(/not valid JSON/);
    expect(problem(JSON.stringify({ ...good, version: 2 }))).toMatch(/schema at version/);
    expect(problem(JSON.stringify({ ...good, nextId: 2 }))).toMatch(/nextId/);
    expect(
      problem(JSON.stringify({ ...good, segments: [stored(0, [1, 2, 3]), stored(0, [1, 1, 1])] })),
    ).toMatch(/duplicate/);
    expect(problem(JSON.stringify({ ...good, segments: [stored(0, [1, 2])] }))).toMatch(/coordinates/);
    expect(problem(JSON.stringify({ ...good, segments: [stored(0, null), stored(1, null)] }))).toMatch(
      /no centroid/,
    );
    expect(problem(JSON.stringify(good), ['r', 'f', 'monetary'])).toMatch(/not on this run's/);
    expect(problem('null')).toMatch(/schema/);
  });
});
