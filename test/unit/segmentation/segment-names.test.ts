import { describe, expect, it } from 'vitest';
import {
  assignNames,
  type ClusterProfile,
  clusterStandings,
  NAME_PROTOTYPES,
  nameClusters,
} from '#shared/domain/segmentation/segment-names';

const profile = (meanRecencyDays: number, meanFrequency: number, meanMonetary: number): ClusterProfile => ({
  meanRecencyDays,
  meanFrequency,
  meanMonetary,
});

describe('clusterStandings', () => {
  it('averages rank percentile and log-scale min-max position, recency reversed', () => {
    const [recent, middle, old] = clusterStandings([
      profile(0, 100, 1),
      profile(9, 9, 9),
      profile(99, 0, 99),
    ]);
    expect(recent).toEqual({ r: 1, f: 1, m: 0 });
    expect(old).toEqual({ r: 0, f: 0, m: 1 });
    // Middle cluster: rank 0.5 on every axis; log1p(9) = ln 10 sits at 0.5 between ln 1 and ln 100.
    expect(middle?.r).toBeCloseTo(0.5, 12);
    expect(middle?.f).toBeCloseTo((0.5 + Math.log(10) / Math.log(101)) / 2, 12);
    expect(middle?.m).toBeCloseTo(
      (0.5 + (Math.log(10) - Math.log(2)) / (Math.log(100) - Math.log(2))) / 2,
      12,
    );
  });

  it('puts a lone cluster and tied clusters at 0.5', () => {
    expect(clusterStandings([profile(5, 5, 5)])).toEqual([{ r: 0.5, f: 0.5, m: 0.5 }]);
    expect(clusterStandings([profile(5, 5, 5), profile(5, 5, 5)])).toEqual([
      { r: 0.5, f: 0.5, m: 0.5 },
      { r: 0.5, f: 0.5, m: 0.5 },
    ]);
  });
});

describe('assignNames', () => {
  it("gives each prototype's own standing its own name", () => {
    const standings = NAME_PROTOTYPES.map((p) => p.at);
    expect(assignNames(standings)).toEqual(NAME_PROTOTYPES.map((p) => p.name));
  });

  it('gives a contested name to the better fit and the other cluster its next best', () => {
    // Both are closest to Champions; the second is closer, so the first falls back to Loyal.
    expect(
      assignNames([
        { r: 0.92, f: 0.92, m: 0.92 },
        { r: 0.97, f: 0.97, m: 0.97 },
      ]),
    ).toEqual(['Loyal', 'Champions']);
  });

  it('breaks an exact tie in favour of the lower cluster index', () => {
    const same = { r: 0.1, f: 0.1, m: 0.1 };
    expect(assignNames([same, same])).toEqual(['Lost', 'Hibernating']);
  });

  it('refuses more clusters than names', () => {
    const nine = Array.from({ length: 9 }, () => ({ r: 0.5, f: 0.5, m: 0.5 }));
    expect(() => assignNames(nine)).toThrow(RangeError);
  });
});

describe('nameClusters', () => {
  it('reads the textbook RFM shapes', () => {
    const names = nameClusters([
      profile(3, 22, 2200), // recent, frequent, high value
      profile(200, 15, 1500), // was frequent and valuable, slipping
      profile(5, 1, 45), // recent, one purchase
      profile(335, 1, 20), // long ago, one purchase, low value
    ]);
    expect(names).toEqual(['Champions', 'At risk', 'New', 'Lost']);
  });

  it("names the formerly best but long-gone cluster Can't lose", () => {
    const names = nameClusters([profile(300, 30, 5000), profile(5, 3, 300), profile(40, 1, 30)]);
    expect(names[0]).toBe("Can't lose");
  });

  it('gives 8 textbook clusters their 8 different names', () => {
    const names = nameClusters([
      profile(2, 30, 5000),
      profile(10, 12, 1500),
      profile(4, 3, 300),
      profile(1, 1, 40),
      profile(120, 10, 1200),
      profile(300, 25, 4000),
      profile(150, 2, 90),
      profile(350, 1, 10),
    ]);
    expect(names).toEqual([
      'Champions',
      'Loyal',
      'Potential loyalists',
      'New',
      'At risk',
      "Can't lose",
      'Hibernating',
      'Lost',
    ]);
  });
});
