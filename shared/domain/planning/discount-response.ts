/**
 * How response moves with the discount level, per segment, read off the randomized history: the
 * conversion rate of each level against the segment's control group (or, without one, against its
 * lowest level), and the slope of uplift per
 * discount point (a price elasticity of response). Randomization is what makes these causal; with
 * few contacts per cell the intervals say how little a difference between levels may mean.
 */

export interface LoggedResponse {
  readonly segment: string;
  /** The level sent; null for the control group. */
  readonly discountPct: number | null;
  readonly converted: boolean;
}

export interface LevelResponse {
  discountPct: number;
  contacts: number;
  conversionRate: number;
  /** Rate minus the segment's control rate, with a 95 % normal interval. */
  uplift: number;
  upliftLow: number;
  upliftHigh: number;
}

export interface SegmentDiscountResponse {
  segment: string;
  /**
   * What each level's uplift is measured over: the segment's control group, or, where the history
   * has none for the segment, its lowest level sent. The slope is the same either way.
   */
  baseline: 'control' | 'lowest_level';
  controls: number;
  controlRate: number;
  levels: LevelResponse[];
  /** Least-squares slope of uplift on discount points, weighted by contacts; null with fewer than two levels. */
  upliftPerDiscountPoint: number | null;
}

interface Cell {
  n: number;
  conversions: number;
}

const rate = (c: Cell) => (c.n > 0 ? c.conversions / c.n : 0);
const variance = (c: Cell) => (c.n > 0 ? (rate(c) * (1 - rate(c))) / c.n : 0);

function slope(levels: readonly LevelResponse[]): number | null {
  if (levels.length < 2) return null;
  const w = levels.reduce((s, l) => s + l.contacts, 0);
  const mx = levels.reduce((s, l) => s + l.contacts * l.discountPct, 0) / w;
  const my = levels.reduce((s, l) => s + l.contacts * l.uplift, 0) / w;
  const sxx = levels.reduce((s, l) => s + l.contacts * (l.discountPct - mx) ** 2, 0);
  if (sxx === 0) return null;
  return levels.reduce((s, l) => s + l.contacts * (l.discountPct - mx) * (l.uplift - my), 0) / sxx;
}

/** Response by discount level per segment, segments and levels in ascending order. */
export function discountResponse(log: Iterable<LoggedResponse>): SegmentDiscountResponse[] {
  const bySegment = new Map<string, { control: Cell; levels: Map<number, Cell> }>();
  for (const r of log) {
    const s = bySegment.get(r.segment) ?? { control: { n: 0, conversions: 0 }, levels: new Map() };
    bySegment.set(r.segment, s);
    const cell =
      r.discountPct === null
        ? s.control
        : (s.levels.get(r.discountPct) ??
          s.levels.set(r.discountPct, { n: 0, conversions: 0 }).get(r.discountPct));
    if (!cell) continue;
    cell.n += 1;
    if (r.converted) cell.conversions += 1;
  }
  return [...bySegment]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([segment, { control, levels }]) => {
      const sorted = [...levels].sort(([a], [b]) => a - b);
      const baseline = control.n > 0 ? control : (sorted[0]?.[1] ?? control);
      const rows = sorted.map(([discountPct, cell]): LevelResponse => {
        const uplift = rate(cell) - rate(baseline);
        // The reference level's uplift over itself is exactly 0.
        const half = cell === baseline ? 0 : 1.96 * Math.sqrt(variance(cell) + variance(baseline));
        return {
          discountPct,
          contacts: cell.n,
          conversionRate: rate(cell),
          uplift,
          upliftLow: uplift - half,
          upliftHigh: uplift + half,
        };
      });
      return {
        segment,
        baseline: control.n > 0 ? ('control' as const) : ('lowest_level' as const),
        controls: control.n,
        controlRate: rate(control),
        levels: rows,
        upliftPerDiscountPoint: slope(rows),
      };
    });
}
