/**
 * Risk-modified linear uplift: the effect of each arm is allowed to vary with a few named customer
 * attributes (the "effect modifiers", e.g. which merchandise a customer bought when the e-mails
 * advertise one kind each) and with the customer's baseline risk, P(outcome | control), and with
 * nothing else:
 *
 *   uplift_a(x) = α_a + β_a · modifiers(x) + γ_a · p0(x).
 *
 * This is the "risk modelling" approach to heterogeneous effects (Kent et al. 2020, the PATH
 * statement): every attribute still enters through p0, which a first-stage model estimates from all
 * of them at once, but the effect model has only 2 + |modifiers| coefficients per arm instead of one
 * per attribute and arm. When the true effect differences between customers are small against the
 * noise of a randomised test (on Hillstrom they are a point or two of visit rate), a learner that
 * lets every attribute modify the effect (a T-learner, an X-learner) ranks customers partly on noise;
 * this one pools the evidence of all attributes into one direction, the baseline risk.
 *
 * Stage 1: logistic regression of the outcome on the standardised attributes plus one indicator per
 * arm (treatment as main effect only, so that p0 is the prediction with every indicator at 0), fitted
 * by Newton's method on all training rows. Stage 2: least squares on all training rows of the outcome
 * on [1, attributes, p0] (the baseline, shared by the arms) + per arm, for its own rows, [1, modifiers,
 * p0]: a linear probability model, so that effects add in points of response rate, not in log-odds.
 * Both stages are closed-form iterations: deterministic, no seed, no learning rate.
 */
import { applyScaler, fitScaler } from '../scoring/scaler';
import { UpliftError } from './errors';
import type { UpliftModel, UpliftTrainingSet } from './uplift-model';

export interface RiskUpliftOptions {
  /** Feature columns (0-based) that may modify each arm's effect directly, beside the baseline risk. */
  effectModifiers: readonly number[];
  /**
   * L2 penalty (× training rows) on the standardised attribute coefficients of both stages; default
   * 1e-4: enough to make one-hot columns that keep every level identifiable, too small to shrink.
   */
  ridge?: number;
}

export interface RiskUpliftModel extends UpliftModel {
  /** P(outcome | control) per row, the first stage's prediction. */
  predictBaselineRisk(features: Float32Array, rows: number): Float32Array;
  /**
   * Per arm (index a − 1): [α, β for each effect modifier in the given order, γ], the effect in
   * outcome units (points of response rate) for raw modifier values and p0 as a probability.
   */
  readonly effects: readonly (readonly number[])[];
}

const MAX_NEWTON_STEPS = 50;
const NEWTON_TOLERANCE = 1e-8;
// Unpenalised coefficients (intercepts, arm indicators, effects) get this much, only to keep the
// normal equations positive definite when a column is constant or duplicates another.
const TINY_RIDGE = 1e-9;

/**
 * Fits the two stages on the training rows (features raw; standardised here on these rows).
 *
 * @throws UpliftError when an arm has no rows, a modifier column does not exist, or a stage cannot
 *   be solved (non-finite features or outcomes).
 */
export function trainRiskUplift(
  data: UpliftTrainingSet,
  arms: number,
  options: RiskUpliftOptions,
): RiskUpliftModel {
  const p = data.featureCount;
  const modifiers = [...options.effectModifiers];
  for (const m of modifiers) {
    if (!(Number.isInteger(m) && m >= 0 && m < p)) {
      throw new UpliftError(`effect modifier column ${m} is not one of the ${p} feature columns`);
    }
  }
  const counts = new Array<number>(arms + 1).fill(0);
  for (let r = 0; r < data.rows; r++) {
    const a = data.arm[r] as number;
    if (!(Number.isInteger(a) && a >= 0 && a <= arms)) {
      throw new UpliftError(`row ${r} has arm ${a}; expected 0..${arms}`);
    }
    counts[a] = (counts[a] as number) + 1;
    const y = data.outcome[r] as number;
    if (y !== 0 && y !== 1) throw new UpliftError(`row ${r} has outcome ${y}; expected 0 or 1`);
  }
  counts.forEach((count, a) => {
    if (count === 0) throw new UpliftError(`arm ${a} has no training rows`);
  });
  const ridge = (options.ridge ?? 1e-4) * data.rows;
  const scaler = fitScaler(data.features, p);
  const z = applyScaler(scaler, data.features, data.rows);

  // Stage 1: [1, z, arm indicators].
  const riskWidth = 1 + p + arms;
  const riskPenalty = Float64Array.from({ length: riskWidth }, (_, j) =>
    j >= 1 && j <= p ? ridge : TINY_RIDGE * data.rows,
  );
  const risk = fitLogistic(
    data.rows,
    riskWidth,
    (r, row) => {
      row.fill(0);
      row[0] = 1;
      for (let f = 0; f < p; f++) row[1 + f] = z[r * p + f] as number;
      const a = data.arm[r] as number;
      if (a > 0) row[p + a] = 1;
    },
    (r) => data.outcome[r] as number,
    riskPenalty,
  );
  const baselineRisk = (scaled: Float32Array, r: number): number => {
    let logit = risk[0] as number;
    for (let f = 0; f < p; f++) logit += (risk[1 + f] as number) * (scaled[r * p + f] as number);
    return 1 / (1 + Math.exp(-logit));
  };

  // Stage 2: [1, z, p0] + per arm [1, modifiers, p0] on that arm's rows. p0 in the shared part lets
  // the baseline follow the logistic curve of the first stage; without it the arms' p0 terms would
  // also soak up the curvature that a baseline linear in z misses, and misstate γ.
  const effectWidth = modifiers.length + 2;
  const base = 2 + p;
  const width = base + arms * effectWidth;
  const effectRow = (raw: Float32Array, r: number, p0: number, out: Float64Array, offset: number) => {
    out[offset] = 1;
    modifiers.forEach((m, i) => {
      out[offset + 1 + i] = raw[r * p + m] as number;
    });
    out[offset + effectWidth - 1] = p0;
  };
  const gram = new Float64Array(width * width);
  const moment = new Float64Array(width);
  const row = new Float64Array(width);
  for (let r = 0; r < data.rows; r++) {
    row.fill(0);
    row[0] = 1;
    for (let f = 0; f < p; f++) row[1 + f] = z[r * p + f] as number;
    const p0 = baselineRisk(z, r);
    row[1 + p] = p0;
    const a = data.arm[r] as number;
    if (a > 0) effectRow(data.features, r, p0, row, base + (a - 1) * effectWidth);
    accumulate(gram, moment, row, 1, data.outcome[r] as number);
  }
  for (let j = 0; j < width; j++) {
    gram[j * width + j] =
      (gram[j * width + j] as number) + (j >= 1 && j <= p ? ridge : TINY_RIDGE * data.rows);
  }
  const beta = solveSymmetric(gram, moment, width);
  const effects = Array.from({ length: arms }, (_, a) =>
    Array.from(beta.subarray(base + a * effectWidth, base + (a + 1) * effectWidth)),
  );

  const checkShape = (features: Float32Array, rows: number) => {
    if (features.length !== rows * p) {
      throw new UpliftError(`features has ${features.length} values; ${rows} rows × ${p} need ${rows * p}`);
    }
  };
  const predictBaselineRisk = (features: Float32Array, rows: number): Float32Array => {
    checkShape(features, rows);
    const scaled = applyScaler(scaler, features, rows);
    return Float32Array.from({ length: rows }, (_, r) => baselineRisk(scaled, r));
  };
  return {
    arms,
    effects,
    predictBaselineRisk,
    predictUplift(features, rows) {
      const p0 = predictBaselineRisk(features, rows);
      const out = new Float32Array(rows * arms);
      const terms = new Float64Array(effectWidth);
      for (let r = 0; r < rows; r++) {
        effectRow(features, r, p0[r] as number, terms, 0);
        effects.forEach((coefficients, a) => {
          let uplift = 0;
          coefficients.forEach((c, j) => {
            uplift += c * (terms[j] as number);
          });
          out[r * arms + a] = uplift;
        });
      }
      return out;
    },
    dispose: () => {},
  };
}

/** Adds weight · row rowᵀ to `gram` and row · residual to `moment`, skipping zero entries. */
function accumulate(
  gram: Float64Array,
  moment: Float64Array,
  row: Float64Array,
  weight: number,
  residual: number,
) {
  const width = row.length;
  for (let i = 0; i < width; i++) {
    const ri = row[i] as number;
    if (ri === 0) continue;
    moment[i] = (moment[i] as number) + ri * residual;
    const wi = weight * ri;
    for (let j = 0; j < width; j++)
      gram[i * width + j] = (gram[i * width + j] as number) + wi * (row[j] as number);
  }
}

/**
 * Logistic regression by Newton's method (iteratively reweighted least squares) with an L2 penalty
 * per coefficient: maximises Σ log-likelihood − ½ Σ penalty_j β_j².
 */
function fitLogistic(
  rows: number,
  width: number,
  fill: (r: number, row: Float64Array) => void,
  target: (r: number) => number,
  penalty: Float64Array,
): Float64Array {
  const beta = new Float64Array(width);
  const row = new Float64Array(width);
  for (let step = 0; step < MAX_NEWTON_STEPS; step++) {
    const hessian = new Float64Array(width * width);
    const gradient = new Float64Array(width);
    for (let r = 0; r < rows; r++) {
      fill(r, row);
      let logit = 0;
      for (let j = 0; j < width; j++) logit += (row[j] as number) * (beta[j] as number);
      const prob = 1 / (1 + Math.exp(-logit));
      accumulate(hessian, gradient, row, prob * (1 - prob), target(r) - prob);
    }
    for (let j = 0; j < width; j++) {
      hessian[j * width + j] = (hessian[j * width + j] as number) + (penalty[j] as number);
      gradient[j] = (gradient[j] as number) - (penalty[j] as number) * (beta[j] as number);
    }
    const delta = solveSymmetric(hessian, gradient, width);
    let largest = 0;
    for (let j = 0; j < width; j++) {
      beta[j] = (beta[j] as number) + (delta[j] as number);
      largest = Math.max(largest, Math.abs(delta[j] as number));
    }
    if (largest < NEWTON_TOLERANCE) break;
  }
  if (!beta.every(Number.isFinite)) throw new UpliftError('the baseline risk regression diverged');
  return beta;
}

/** Solves A x = b for a symmetric positive definite A (n × n, row-major) by Cholesky. */
function solveSymmetric(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) {
          throw new UpliftError(
            'the normal equations are not positive definite: are some features or outcomes non-finite?',
          );
        }
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}
