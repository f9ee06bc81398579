import type { PlanUse } from './plan-use';
import { type Pricing, reducedValue } from './pricing';
import type { AllocationResult, Certificate } from './problem';

/**
 * Packages a feasible plan with what explains it: each customer's runner-up option and the
 * chosen option's reduced value at the plan's prices, and a certificate bounding how far the plan
 * can be from the best feasible plan.
 */

/** (dualBound - primal) / max(|dualBound|, 1e-9), clamped at 0 against rounding. */
export function relativeGap(dualBound: number, primal: number): number {
  const gap = (dualBound - primal) / Math.max(Math.abs(dualBound), 1e-9);
  return Math.max(gap, 0);
}

export function makeCertificate(
  primal: number,
  dualBound: number,
  lambda: number,
  iterations: number,
): Certificate {
  return { primal, dualBound, gap: relativeGap(dualBound, primal), lambda, iterations };
}

/**
 * Builds the result for `plan`, whose use is `use`, explained at the prices currently in
 * `pricing`.
 */
export function buildResult(
  pricing: Pricing,
  plan: Int32Array,
  use: PlanUse,
  dualBound: number,
  iterations: number,
): AllocationResult {
  const { problem } = pricing;
  const { optionStart } = problem;
  const n = problem.customers;
  const runnerUp = new Int32Array(n);
  const reduced = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const chosen = plan[i] as number;
    // Top two by reduced value, ties to the lower index.
    let first = -1;
    let second = -1;
    let firstValue = Number.NEGATIVE_INFINITY;
    let secondValue = Number.NEGATIVE_INFINITY;
    const end = optionStart[i + 1] as number;
    for (let j = optionStart[i] as number; j < end; j++) {
      const r = reducedValue(pricing, j);
      if (r > firstValue) {
        second = first;
        secondValue = firstValue;
        first = j;
        firstValue = r;
      } else if (r > secondValue) {
        second = j;
        secondValue = r;
      }
    }
    runnerUp[i] = chosen >= 0 && second === chosen ? first : second;
    reduced[i] = chosen >= 0 ? reducedValue(pricing, chosen) : 0;
  }
  return {
    choice: plan,
    runnerUp,
    reducedValue: reduced,
    spend: use.spend,
    value: use.value,
    channelUse: use.channel,
    offerUse: use.offer,
    certificate: makeCertificate(use.value, dualBound, pricing.prices.lambda, iterations),
  };
}
