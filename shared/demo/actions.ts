import type { ContactChannel } from '../domain/contracts/datasets';
import { channelById, type Offer } from './offers';

/**
 * What a campaign can do to one customer: an offer at one of its discount levels, on a channel,
 * in a send window. Past campaigns randomise over these, and truth.jsonl plants a response
 * probability for each.
 */

export interface SendWindow {
  /** `HH:MM` of the send, or `any` for channels that are not timed (letters). */
  readonly id: string;
  readonly hour: number | null;
}

export interface CampaignAction {
  /** The offer as sent: its discountPct is the level of this action. */
  readonly offer: Offer;
  readonly channel: ContactChannel;
  readonly window: SendWindow;
}

const SEND_WINDOWS: readonly SendWindow[] = [
  { id: '09:00', hour: 9 },
  { id: '12:00', hour: 12 },
  { id: '18:00', hour: 18 },
];
const UNTIMED: SendWindow = { id: 'any', hour: null };

function hourOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) + (m ?? 0) / 60;
}

/** The send windows inside a channel's own window; a channel without one (letters) is not timed. */
export function channelWindows(channel: ContactChannel): readonly SendWindow[] {
  const { windowStart, windowEnd } = channelById(channel);
  if (windowStart === null || windowEnd === null) return [UNTIMED];
  return SEND_WINDOWS.filter(
    (w) => (w.hour ?? 0) >= hourOf(windowStart) && (w.hour ?? 0) < hourOf(windowEnd),
  );
}

/** The offer as sent at `level`. */
export function atLevel(offer: Offer, level: number): Offer {
  return level === offer.discountPct ? offer : { ...offer, discountPct: level };
}

/** Every action of `offers` on `channels`. */
export function campaignActions(
  offers: readonly Offer[],
  channels: readonly ContactChannel[],
): CampaignAction[] {
  return offers.flatMap((offer) =>
    offer.discountLevels.flatMap((level) =>
      channels.flatMap((channel) =>
        channelWindows(channel).map((window) => ({ offer: atLevel(offer, level), channel, window })),
      ),
    ),
  );
}

/** The action's key in truth.jsonl: `offer|channel|level|window`. */
export function actionKey(action: CampaignAction): string {
  return `${action.offer.id}|${action.channel}|${action.offer.discountPct}|${action.window.id}`;
}
