import { seededRandom, shuffleInPlace } from '../scoring/split';
import { ModelEvalError } from './errors';

/** Row indices of one cross-validation fold. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Seeded stratified k-fold assignment: within each stratum (e.g. the class label) rows are shuffled and
 * dealt round-robin to the folds, the dealing carried on from one stratum to the next, so every fold
 * gets its share of every stratum (±1) and the fold sizes differ by at most one.
 * Returns the fold (0..folds−1) of each row.
 */
export function stratifiedFoldAssignment(strata: ArrayLike<number>, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new ModelEvalError(`cross-validation needs at least 2 folds, got ${folds}`);
  }
  if (strata.length < folds) {
    throw new ModelEvalError(`cannot deal ${strata.length} rows into ${folds} folds`);
  }
  const byStratum = new Map<number, number[]>();
  for (let row = 0; row < strata.length; row++) {
    const s = strata[row] as number;
    if (!Number.isInteger(s)) throw new ModelEvalError(`stratum of row ${row} is ${s}; expected an integer`);
    let rows = byStratum.get(s);
    if (rows === undefined) {
      rows = [];
      byStratum.set(s, rows);
    }
    rows.push(row);
  }
  const rng = seededRandom(seed);
  const assignment = new Int32Array(strata.length);
  let next = 0;
  // Strata in ascending order: the assignment must not depend on which stratum the first row is in.
  for (const stratum of [...byStratum.keys()].sort((a, b) => a - b)) {
    for (const row of shuffleInPlace(byStratum.get(stratum) as number[], rng)) {
      assignment[row] = next;
      next = (next + 1) % folds;
    }
  }
  return assignment;
}

/** The train and test rows of each fold of an assignment, each in ascending row order. */
export function foldsOf(assignment: Int32Array, folds: number): Fold[] {
  return Array.from({ length: folds }, (_, fold) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let row = 0; row < assignment.length; row++) (assignment[row] === fold ? test : train).push(row);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}

/** Stratified k-fold splits (see `stratifiedFoldAssignment`). */
export function stratifiedKFold(strata: ArrayLike<number>, folds: number, seed: number): Fold[] {
  return foldsOf(stratifiedFoldAssignment(strata, folds, seed), folds);
}

/** Mean and sample standard deviation (n − 1) of per-fold figures; sd is 0 for a single figure. */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) throw new ModelEvalError('no figures to summarise');
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  if (values.length === 1) return { mean, sd: 0 };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** Rows `indices` of a row-major matrix `width` wide, in that order (e.g. a fold's training rows). */
export function takeRows(matrix: Float32Array, width: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i] as number;
    out.set(matrix.subarray(row * width, (row + 1) * width), i * width);
  }
  return out;
}
