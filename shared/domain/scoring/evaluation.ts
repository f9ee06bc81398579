import { logLoss, qiniCoefficient, rocAuc } from './metrics';

/** Mean predicted vs observed response rate of one arm's head, on rows that received that arm. */
export interface ArmCalibration {
  arm: number;
  meanPredicted: number;
  observedRate: number;
  rows: number;
}

/** Qini coefficient of one treatment arm against control. */
export interface ArmQini {
  arm: number;
  qini: number;
  treatedRows: number;
  controlRows: number;
}

interface UpliftSample {
  uplift: number[];
  label: number[];
  treated: number[];
}

const emptySample = (): UpliftSample => ({ uplift: [], label: [], treated: [] });

export interface HoldoutEvaluation {
  auc: number;
  logLoss: number;
  qini: number;
  qiniByArm: ArmQini[];
  calibration: ArmCalibration[];
}

/**
 * Scores holdout predictions (rows × (arms + 1), column 0 = control) against what happened.
 *
 * AUC, log loss and calibration use the probability of the arm each row actually received: the only
 * head whose prediction can be checked against an outcome.
 *
 * Uplift needs a comparison group, and a control row has no "observed treatment arm". The pooled Qini
 * therefore stacks one arm-vs-control problem per arm: each treated row is scored by its arm's uplift
 * p[arm] − p[0], and each control row enters once per arm a, scored by p[a] − p[0], as that arm's
 * comparison. The Qini formula rescales control counts by treated / control, so repeating control rows
 * leaves the final incremental count unchanged. `qiniByArm` gives the unstacked per-arm coefficients
 * (NaN for an arm with no net incremental response in the holdout; see `qiniCoefficient`).
 */
export function evaluateHoldout(
  probabilities: Float32Array,
  arm: ArrayLike<number>,
  label: ArrayLike<number>,
  arms: number,
): HoldoutEvaluation {
  const rows = arm.length;
  const width = arms + 1;
  const p = (row: number, column: number) => probabilities[row * width + column] as number;

  const observed = new Float64Array(rows);
  const sums = new Float64Array(width);
  const positives = new Float64Array(width);
  const counts = new Float64Array(width);
  for (let row = 0; row < rows; row++) {
    const a = arm[row] as number;
    observed[row] = p(row, a);
    sums[a] = (sums[a] as number) + p(row, a);
    positives[a] = (positives[a] as number) + (label[row] as number);
    counts[a] = (counts[a] as number) + 1;
  }
  const calibration = Array.from({ length: width }, (_, a) => {
    const n = counts[a] as number;
    return {
      arm: a,
      meanPredicted: n === 0 ? Number.NaN : (sums[a] as number) / n,
      observedRate: n === 0 ? Number.NaN : (positives[a] as number) / n,
      rows: n,
    };
  });

  const stacked = emptySample();
  const perArm = Array.from({ length: width }, emptySample);
  const push = (target: UpliftSample, uplift: number, y: number, treated: number) => {
    target.uplift.push(uplift);
    target.label.push(y);
    target.treated.push(treated);
  };
  for (let row = 0; row < rows; row++) {
    const a = arm[row] as number;
    const y = label[row] as number;
    if (a > 0) {
      const uplift = p(row, a) - p(row, 0);
      push(stacked, uplift, y, 1);
      push(perArm[a] as UpliftSample, uplift, y, 1);
    } else {
      for (let b = 1; b <= arms; b++) {
        const uplift = p(row, b) - p(row, 0);
        push(stacked, uplift, y, 0);
        push(perArm[b] as UpliftSample, uplift, y, 0);
      }
    }
  }

  return {
    auc: rows === 0 ? Number.NaN : rocAuc(observed, label),
    logLoss: logLoss(observed, label),
    qini: qiniCoefficient(stacked.uplift, stacked.label, stacked.treated),
    qiniByArm: Array.from({ length: arms }, (_, i) => {
      const set = perArm[i + 1] as UpliftSample;
      const treatedRows = set.treated.reduce((s, t) => s + t, 0);
      return {
        arm: i + 1,
        qini: qiniCoefficient(set.uplift, set.label, set.treated),
        treatedRows,
        controlRows: set.treated.length - treatedRows,
      };
    }),
    calibration,
  };
}
