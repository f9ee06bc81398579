import {
  chooseSendHour,
  preferredHour,
  segmentMeanHours,
  sendWindowOf,
} from '../../domain/planning/send-time';
import type { CustomerTerms } from './customer-terms';
import type { CustomerChoice } from './plan-choices';

/**
 * The send window of every customer the plan targets ('' for the rest, and for channels that are
 * not timed): the channel's history hour nearest the customer's preferred hour.
 */
export function planSendWindows(
  choices: readonly CustomerChoice[],
  terms: ReadonlyMap<string, CustomerTerms>,
  segmentOf: (customerId: string) => string,
): string[] {
  const noEvidence = { meanHour: null, occasions: 0 };
  const segmentHours = segmentMeanHours(
    choices.map((c) => ({
      segment: segmentOf(c.customerId),
      evidence: terms.get(c.customerId)?.hour ?? noEvidence,
    })),
  );
  return choices.map((c) => {
    if (!c.action) return '';
    const evidence = terms.get(c.customerId)?.hour ?? noEvidence;
    const preferred = preferredHour(evidence, segmentHours.get(segmentOf(c.customerId)));
    return sendWindowOf(chooseSendHour(preferred, c.action.channel.sendHours));
  });
}
