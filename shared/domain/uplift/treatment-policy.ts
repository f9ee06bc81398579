/**
 * Who gets which treatment, given a model's predicted uplifts: the decisions whose value
 * `ipwPolicyValue` estimates.
 */

/**
 * The uplift policy: each customer gets the arm with the highest predicted uplift over control,
 * provided that uplift exceeds `minUplift` (default 0: an e-mail is taken to cost nothing, so any
 * expected gain justifies sending one); otherwise control (0). Ties go to the lower-numbered arm.
 *
 * @param uplift rows × arms, column a − 1 = predicted uplift of arm a, as `UpliftModel.predictUplift` returns.
 */
export function bestArmPolicy(uplift: ArrayLike<number>, arms: number, minUplift = 0): Int32Array {
  const rows = Math.floor(uplift.length / arms);
  const chosen = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestUplift = minUplift;
    for (let a = 1; a <= arms; a++) {
      const value = uplift[r * arms + a - 1] as number;
      if (value > bestUplift) {
        best = a;
        bestUplift = value;
      }
    }
    chosen[r] = best;
  }
  return chosen;
}

/** Everyone gets `arm`: the fixed policies a targeted one must beat ("all Mens", "none", ...). */
export function fixedPolicy(rows: number, arm: number): Int32Array {
  return new Int32Array(rows).fill(arm);
}
