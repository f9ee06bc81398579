/**
 * When to send: each customer's preferred shopping hour, shrunk toward their segment's (empirical
 * Bayes: a customer seen on few occasions says little about their hour), then the send hour the
 * channel allows that is nearest to it. Only hours the randomized history sent at are candidates,
 * as only discount levels it tried are: an hour never tried has no evidence behind it.
 */

/** Pseudo-occasions the segment's mean counts as: with 3 purchases of their own, a customer's hour weighs half. */
export const SEGMENT_PRIOR_OCCASIONS = 3;

export interface HourEvidence {
  /** Mean hour of the customer's purchases, null when they have none. */
  readonly meanHour: number | null;
  /** How many purchase occasions the mean is over. */
  readonly occasions: number;
}

/** Mean hour per segment over the customers who have one, weighted by their occasions. */
export function segmentMeanHours(
  customers: readonly { segment: string; evidence: HourEvidence }[],
): Map<string, number> {
  const sums = new Map<string, { hours: number; weight: number }>();
  for (const { segment, evidence } of customers) {
    if (evidence.meanHour === null || evidence.occasions <= 0) continue;
    const s = sums.get(segment) ?? { hours: 0, weight: 0 };
    s.hours += evidence.meanHour * evidence.occasions;
    s.weight += evidence.occasions;
    sums.set(segment, s);
  }
  return new Map([...sums].map(([segment, s]) => [segment, s.hours / s.weight]));
}

/** The customer's hour shrunk toward the segment's; null when neither is known. */
export function preferredHour(evidence: HourEvidence, segmentHour: number | undefined): number | null {
  const own = evidence.meanHour !== null && evidence.occasions > 0 ? evidence.meanHour : null;
  if (own === null) return segmentHour ?? null;
  if (segmentHour === undefined) return own;
  const w = evidence.occasions / (evidence.occasions + SEGMENT_PRIOR_OCCASIONS);
  return w * own + (1 - w) * segmentHour;
}

/**
 * The candidate hour nearest the preferred one (ties to the earlier); the most used candidate
 * (the first given) when the preference is unknown; null for a channel that is not timed.
 *
 * @param candidates send hours the channel may use, most used first
 */
export function chooseSendHour(preferred: number | null, candidates: readonly number[]): number | null {
  if (candidates.length === 0) return null;
  if (preferred === null) return candidates[0] ?? null;
  let best = candidates[0] as number;
  for (const hour of candidates) {
    const closer = Math.abs(hour - preferred) - Math.abs(best - preferred);
    if (closer < 0 || (closer === 0 && hour < best)) best = hour;
  }
  return best;
}

/** `HH:00`, the form send windows take in exports and in the scorecard. */
export const sendWindowOf = (hour: number | null): string =>
  hour === null ? '' : `${String(hour).padStart(2, '0')}:00`;
