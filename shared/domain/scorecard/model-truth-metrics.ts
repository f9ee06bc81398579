import type { TrueWorld } from './true-world';

/** The model's estimates on the world's customers and actions; NaN where it gave none. */
export interface ModelEstimates {
  /** Per customer: estimated P(response | no contact). */
  readonly pControl: Float64Array;
  /** Per action (aligned with world.pTreated): estimated P(response | action). */
  readonly pTreated: Float64Array;
}

export interface CurvePoint {
  /** Share of customers targeted, 0..1. */
  readonly share: number;
  /** True incremental conversions of those customers. */
  readonly gain: number;
}

export interface CalibrationBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly meanEstimate: number;
  readonly meanTruth: number;
}

export interface ModelTruthMetrics {
  /** Customers with at least one estimated action: the ones a model can rank. */
  readonly customers: number;
  /** Customer × action pairs the model gave an estimate for, of all the world's pairs. */
  readonly scoredActions: number;
  readonly actions: number;
  /**
   * Qini coefficient against the truth: the area between the model's Qini curve and random
   * targeting, as a share of the same area for a perfect ranking (1 = perfect, 0 = random).
   */
  readonly qini: number | null;
  /** Area under the model's uplift curve: mean true incremental conversions over all cut-offs. */
  readonly auuc: number;
  /** Estimated against true incremental conversions of each customer's best estimated action. */
  readonly meanEstimatedUplift: number;
  readonly meanTrueUplift: number;
  /** Expected calibration error of P(response | action), over equal-width bins. */
  readonly calibrationError: number | null;
  readonly calibration: readonly CalibrationBin[];
  readonly qiniCurve: { readonly model: readonly CurvePoint[]; readonly perfect: readonly CurvePoint[] };
}

const CURVE_POINTS = 50;
const CALIBRATION_BINS = 10;

/** Cumulative true gain at evenly spaced shares, customers taken in `order`. */
function gainCurve(order: ArrayLike<number>, trueUplift: Float64Array): CurvePoint[] {
  const n = order.length;
  const points: CurvePoint[] = [{ share: 0, gain: 0 }];
  let gain = 0;
  let next = 1;
  for (let k = 0; k < n; k++) {
    gain += trueUplift[order[k] as number] as number;
    while (next <= CURVE_POINTS && k + 1 >= (next / CURVE_POINTS) * n) {
      points.push({ share: next / CURVE_POINTS, gain });
      next++;
    }
  }
  return points;
}

/** Area under a gain curve above the chord from 0 to its end (random targeting). */
function areaAboveRandom(order: ArrayLike<number>, trueUplift: Float64Array): number {
  const n = order.length;
  const total = trueUplift.reduce((s, u) => s + u, 0);
  let gain = 0;
  let area = 0;
  for (let k = 0; k < n; k++) {
    gain += trueUplift[order[k] as number] as number;
    area += gain - (total * (k + 1)) / n;
  }
  return area;
}

function sortedBy(values: Float64Array): Int32Array {
  return Int32Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => (values[b] as number) - (values[a] as number) || a - b,
  );
}

/**
 * How well the model's estimates match the planted truth: uplift ranking (Qini, AUUC) over each
 * customer's best estimated action, and calibration of the response probabilities.
 */
export function modelTruthMetrics(world: TrueWorld, estimates: ModelEstimates): ModelTruthMetrics {
  const n = world.customerIds.length;
  const estimatedUplift = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  const trueUplift = new Float64Array(n);
  let scoredActions = 0;
  const bins = Array.from({ length: CALIBRATION_BINS }, () => ({ count: 0, estimate: 0, truth: 0 }));
  for (let i = 0; i < n; i++) {
    const pControlHat = estimates.pControl[i] as number;
    for (let a = world.actionStart[i] as number; a < (world.actionStart[i + 1] as number); a++) {
      const pHat = estimates.pTreated[a] as number;
      if (!Number.isFinite(pHat)) continue;
      scoredActions += 1;
      const bin = bins[Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(pHat * CALIBRATION_BINS)))];
      if (bin) {
        bin.count += 1;
        bin.estimate += pHat;
        bin.truth += world.pTreated[a] as number;
      }
      const u = pHat - (Number.isFinite(pControlHat) ? pControlHat : 0);
      if (u > (estimatedUplift[i] as number)) {
        estimatedUplift[i] = u;
        trueUplift[i] = (world.pTreated[a] as number) - (world.pControl[i] as number);
      }
    }
  }
  // Only customers the model gave an action can be ranked; the others are not targetable.
  const ranked: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(estimatedUplift[i] as number)) ranked.push(i);
  const estimated = Float64Array.from(ranked, (i) => estimatedUplift[i] as number);
  const truth = Float64Array.from(ranked, (i) => trueUplift[i] as number);
  const mean = (xs: Float64Array) => (xs.length > 0 ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  const modelOrder = sortedBy(estimated);
  const perfectOrder = sortedBy(truth);
  const perfectArea = areaAboveRandom(perfectOrder, truth);
  const modelCurve = gainCurve(modelOrder, truth);
  const calibrated = bins.filter((b) => b.count > 0);
  const calibrationError =
    scoredActions === 0
      ? null
      : calibrated.reduce(
          (s, b) => s + ((b.count / scoredActions) * Math.abs(b.estimate - b.truth)) / b.count,
          0,
        );
  return {
    customers: ranked.length,
    scoredActions,
    actions: world.pTreated.length,
    qini: perfectArea > 0 ? areaAboveRandom(modelOrder, truth) / perfectArea : null,
    auuc: modelCurve.reduce((s, p) => s + p.gain, 0) / modelCurve.length,
    meanEstimatedUplift: mean(estimated),
    meanTrueUplift: mean(truth),
    calibrationError,
    calibration: bins.flatMap((b, k) =>
      b.count === 0
        ? []
        : [
            {
              from: k / CALIBRATION_BINS,
              to: (k + 1) / CALIBRATION_BINS,
              count: b.count,
              meanEstimate: b.estimate / b.count,
              meanTruth: b.truth / b.count,
            },
          ],
    ),
    qiniCurve: { model: modelCurve, perfect: gainCurve(perfectOrder, truth) },
  };
}
