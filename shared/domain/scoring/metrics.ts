// Inputs are checked (equal lengths, finite scores, 0/1 labels) because a NaN score or a label of 2
// would otherwise yield a plausible-looking but meaningless number.

function checkLengths(name: string, ...arrays: ArrayLike<number>[]): number {
  const n = arrays[0]?.length ?? 0;
  for (const a of arrays) {
    if (a.length !== n) {
      throw new RangeError(
        `${name}: inputs have different lengths (${arrays.map((x) => x.length).join(' vs ')})`,
      );
    }
  }
  return n;
}

function checkFinite(name: string, what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new RangeError(`${name}: ${what}[${i}] is ${values[i]}; expected a finite number`);
  }
}

function checkBinary(name: string, what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) throw new RangeError(`${name}: ${what}[${i}] is ${v}; expected 0 or 1`);
  }
}

/**
 * ROC AUC by ranks (Mann–Whitney U): the probability that a random positive scores above a random
 * negative, ties counting one half (tied scores share their average rank). NaN when either class is
 * absent, as the AUC is then undefined.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = checkLengths('rocAuc', scores, labels);
  checkFinite('rocAuc', 'scores', scores);
  checkBinary('rocAuc', 'labels', labels);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) end++;
    // Ranks start + 1 .. end, averaged over the tie group.
    const averageRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) {
      if (labels[order[i] as number] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

const LOG_LOSS_EPSILON = 1e-7;

/** Mean binary cross-entropy, probabilities clipped to [1e-7, 1 − 1e-7] so one confident miss stays finite. */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = checkLengths('logLoss', probabilities, labels);
  checkFinite('logLoss', 'probabilities', probabilities);
  checkBinary('logLoss', 'labels', labels);
  if (n === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(probabilities[i] as number, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    total -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / n;
}

/** Points of a Qini curve: x = customers targeted, y = incremental responders at that cut-off. */
export interface QiniCurve {
  x: number[];
  y: number[];
}

/**
 * Radcliffe's Qini curve as computed by scikit-uplift 0.5 `qini_curve`: customers sorted by descending
 * predicted uplift, one point per distinct score (ties enter together), at each cut-off
 * y = treatedPositives − controlPositives × treatedCount / controlCount (counts so far; the ratio is 0
 * while no control customer is in), starting from (0, 0).
 */
export function qiniCurve(
  uplift: ArrayLike<number>,
  labels: ArrayLike<number>,
  treated: ArrayLike<number>,
): QiniCurve {
  const n = checkLengths('qiniCurve', uplift, labels, treated);
  checkFinite('qiniCurve', 'uplift', uplift);
  checkBinary('qiniCurve', 'labels', labels);
  checkBinary('qiniCurve', 'treated', treated);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (uplift[b] as number) - (uplift[a] as number),
  );
  const x = [0];
  const y = [0];
  let treatedCount = 0;
  let treatedPositives = 0;
  let controlPositives = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i] as number;
    if (treated[row] === 1) {
      treatedCount++;
      treatedPositives += labels[row] as number;
    } else {
      controlPositives += labels[row] as number;
    }
    const next = order[i + 1];
    if (next !== undefined && uplift[next] === uplift[row]) continue;
    const controlCount = i + 1 - treatedCount;
    const ratio = controlCount === 0 ? 0 : treatedCount / controlCount;
    x.push(i + 1);
    y.push(treatedPositives - controlPositives * ratio);
  }
  return { x, y };
}

function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) {
    area += (((x[i] as number) - (x[i - 1] as number)) * ((y[i] as number) + (y[i - 1] as number))) / 2;
  }
  return area;
}

/**
 * Qini coefficient, as scikit-uplift 0.5 `qini_auc_score(y_true, uplift, treatment, negative_effect=False)`:
 * (area under the model's Qini curve − area under the random line) / (the same for the perfect curve).
 *
 * The random line runs straight from (0, 0) to (n, R), where R = treatedPositives − controlPositives ×
 * treatedCount / controlCount over everyone. The perfect curve without negative effects
 * (`perfect_qini_curve(..., negative_effect=False)`) is the polyline (0, 0) → (R, R) → (n, R): a model that
 * finds the R incremental responders first, one per customer, then never loses any. Its area above the
 * random line is R(n − R)/2.
 *
 * The model curve may beat that optimum (it can, by ranking treated responders above control
 * responders when negative effects exist), so values above 1 are possible; a random ranking scores
 * about 0 and a reversed one below 0. Returns NaN when there are no treated or no control customers or
 * when R ≤ 0 (no overall incremental response to capture), where scikit-uplift divides by zero or raises.
 */
export function qiniCoefficient(
  uplift: ArrayLike<number>,
  labels: ArrayLike<number>,
  treated: ArrayLike<number>,
): number {
  const curve = qiniCurve(uplift, labels, treated);
  const n = uplift.length;
  let treatedCount = 0;
  for (let i = 0; i < n; i++) treatedCount += treated[i] as number;
  if (treatedCount === 0 || treatedCount === n) return Number.NaN;
  const incremental = curve.y[curve.y.length - 1] as number;
  if (!(incremental > 0)) return Number.NaN;
  const randomArea = (n * incremental) / 2;
  const perfectGain = (incremental * (n - incremental)) / 2;
  return (trapezoid(curve.x, curve.y) - randomArea) / perfectGain;
}
