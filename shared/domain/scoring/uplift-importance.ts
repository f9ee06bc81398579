import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** What permutation importance needs of a model: probabilities per row, column 0 = control. */
export interface UpliftPredictor {
  readonly arms: number;
  predict(features: Float32Array, rows: number): Float32Array;
}

export interface FeatureImportance {
  feature: string;
  /** Mean absolute change of the predicted uplift (all arms) when the feature is shuffled, in probability points. */
  importance: number;
}

/** Per row and arm, P(arm) − P(control). */
function uplifts(p: Float32Array, rows: number, arms: number): Float64Array {
  const out = new Float64Array(rows * arms);
  for (let r = 0; r < rows; r++) {
    const base = p[r * (arms + 1)] as number;
    for (let a = 1; a <= arms; a++) out[r * arms + a - 1] = (p[r * (arms + 1) + a] as number) - base;
  }
  return out;
}

/**
 * Permutation importance for the model's uplift, the quantity the plan acts on: each named input
 * column is shuffled across the rows (seeded), and its importance is how far that moves the
 * predicted uplift, averaged over rows and arms. Columns that share a name (a feature and the inputs
 * derived from it) are shuffled together, by one permutation, and reported once: shuffled alone,
 * each would look unimportant while its copies still told the model the same thing. Inputs beyond
 * `names` (e.g. the discount level) are left alone. Sorted, most important first.
 *
 * @param features rows × width, the first `names.length` columns named by `names`
 */
export function upliftImportance(
  model: UpliftPredictor,
  features: Float32Array,
  rows: number,
  width: number,
  names: readonly string[],
  seed: number,
): FeatureImportance[] {
  if (rows < 2) return [];
  const reference = uplifts(model.predict(features, rows), rows, model.arms);
  const rng = xoroshiro128plus(seed);
  const shuffled = new Float32Array(features);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const columnsOf = new Map<string, number[]>();
  names.forEach((feature, column) => {
    const columns = columnsOf.get(feature) ?? [];
    columns.push(column);
    columnsOf.set(feature, columns);
  });
  return [...columnsOf]
    .map(([feature, columns]) => {
      // Fisher–Yates over row indices, so every feature gets its own permutation.
      for (let i = rows - 1; i > 0; i--) {
        const j = uniformInt(rng, 0, i);
        const t = order[i] as number;
        order[i] = order[j] as number;
        order[j] = t;
      }
      for (const column of columns) {
        for (let r = 0; r < rows; r++) {
          shuffled[r * width + column] = features[(order[r] as number) * width + column] as number;
        }
      }
      const moved = uplifts(model.predict(shuffled, rows), rows, model.arms);
      for (const column of columns) {
        for (let r = 0; r < rows; r++) shuffled[r * width + column] = features[r * width + column] as number;
      }
      let change = 0;
      for (let k = 0; k < moved.length; k++)
        change += Math.abs((moved[k] as number) - (reference[k] as number));
      return { feature, importance: change / moved.length };
    })
    .sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature));
}
