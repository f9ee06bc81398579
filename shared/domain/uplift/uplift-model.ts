/** Customers with the arm they were randomised to and an outcome, for training an uplift model. */
export interface UpliftTrainingSet {
  rows: number;
  featureCount: number;
  /** rows × featureCount, row-major, raw (unscaled) values. */
  features: Float32Array;
  /** 0 = control, 1..arms = treatment arm. */
  arm: Int32Array;
  /** 0/1 outcome (e.g. visited the site). */
  outcome: Float32Array;
}

/** What every uplift learner here produces: predicted effect of each arm over control, per customer. */
export interface UpliftModel {
  readonly arms: number;
  /** rows × arms: column a − 1 = predicted P(outcome | arm a) − P(outcome | control). */
  predictUplift(features: Float32Array, rows: number): Float32Array;
  dispose(): void;
}

/** Turns rows × (arms + 1) response probabilities (column 0 = control) into rows × arms uplifts. */
export function upliftFromProbabilities(probabilities: ArrayLike<number>, arms: number): Float32Array {
  const width = arms + 1;
  const rows = Math.floor(probabilities.length / width);
  const uplift = new Float32Array(rows * arms);
  for (let r = 0; r < rows; r++) {
    const control = probabilities[r * width] as number;
    for (let a = 1; a <= arms; a++) {
      uplift[r * arms + a - 1] = (probabilities[r * width + a] as number) - control;
    }
  }
  return uplift;
}

/** Column `arm` (1-based) of a rows × arms uplift matrix. */
export function upliftOfArm(uplift: Float32Array, arms: number, arm: number): Float32Array {
  const rows = uplift.length / arms;
  const column = new Float32Array(rows);
  for (let r = 0; r < rows; r++) column[r] = uplift[r * arms + arm - 1] as number;
  return column;
}

/** The rows of a training set whose arm is in `keep`, in their original order. */
export function rowsOfArms(data: UpliftTrainingSet, keep: readonly number[]): number[] {
  const rows: number[] = [];
  for (let i = 0; i < data.rows; i++) if (keep.includes(data.arm[i] as number)) rows.push(i);
  return rows;
}

/** Gathers `indices` of a row-major matrix into a new one. */
export function gatherFeatures(
  features: Float32Array,
  featureCount: number,
  indices: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(indices.length * featureCount);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i] as number;
    out.set(features.subarray(row * featureCount, (row + 1) * featureCount), i * featureCount);
  }
  return out;
}
