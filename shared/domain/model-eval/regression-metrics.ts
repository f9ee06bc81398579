import { ModelEvalError } from './errors';

// Inputs are checked because a NaN prediction or mismatched lengths would otherwise give a plausible
// but meaningless figure.
function checked(name: string, predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (predicted.length !== actual.length) {
    throw new ModelEvalError(`${name}: ${predicted.length} predictions for ${actual.length} actuals`);
  }
  for (let i = 0; i < predicted.length; i++) {
    if (!Number.isFinite(predicted[i]) || !Number.isFinite(actual[i])) {
      throw new ModelEvalError(
        `${name}: row ${i} is not finite (predicted ${predicted[i]}, actual ${actual[i]})`,
      );
    }
  }
  return predicted.length;
}

/**
 * Coefficient of determination, 1 − SS_res / SS_tot around the actuals' mean (scikit-learn's
 * `r2_score`): 1 is perfect, 0 is predicting the mean, negative is worse than that. NaN when the
 * actuals are constant or empty.
 */
export function rSquared(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = checked('rSquared', predicted, actual);
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i] as number;
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    residual += ((actual[i] as number) - (predicted[i] as number)) ** 2;
    total += ((actual[i] as number) - mean) ** 2;
  }
  return total === 0 ? Number.NaN : 1 - residual / total;
}

/** 1-based ranks, tied values sharing their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end] as number] === values[order[start] as number]) end++;
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i] as number] = rank;
    start = end;
  }
  return ranks;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman rank correlation: Pearson's correlation of the average ranks (scipy's `spearmanr`), so
 * the many tied zero actuals of a revenue target are handled as ties. NaN when either side is constant.
 */
export function spearman(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = checked('spearman', predicted, actual);
  if (n < 2) return Number.NaN;
  return pearson(averageRanks(predicted), averageRanks(actual));
}

/**
 * Share of the total actual value held by the customers ranked in the top `fraction` by prediction
 * (ceil(fraction × n) of them; ties in the prediction broken by row order, so the figure is
 * deterministic). 1 means the top decile holds all the value, `fraction` is what a random order gets.
 * NaN when the actuals sum to zero.
 */
export function topFractionCapture(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  fraction = 0.1,
): number {
  const n = checked('topFractionCapture', predicted, actual);
  if (!(fraction > 0 && fraction <= 1)) {
    throw new ModelEvalError(`topFractionCapture: fraction must be in (0, 1], got ${fraction}`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += actual[i] as number;
  if (n === 0 || total === 0) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (predicted[b] as number) - (predicted[a] as number) || a - b,
  );
  const top = Math.ceil(fraction * n);
  let captured = 0;
  for (let i = 0; i < top; i++) captured += actual[order[i] as number] as number;
  return captured / total;
}

/**
 * Share of actuals below a predicted quantile, an actual equal to it counting one half: close to q for
 * a well-calibrated q-quantile. The half matters for revenue, where many actuals and many low
 * quantiles are exactly 0; counting those ties fully (or not at all) would read as miscalibration.
 */
export function quantileCoverage(quantile: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = checked('quantileCoverage', quantile, actual);
  if (n === 0) return Number.NaN;
  let below = 0;
  for (let i = 0; i < n; i++) {
    const a = actual[i] as number;
    const q = quantile[i] as number;
    below += a < q ? 1 : a === q ? 0.5 : 0;
  }
  return below / n;
}
