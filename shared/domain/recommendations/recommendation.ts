/** One customer's recommended action in one run, as served by the API. */
export interface Recommendation {
  readonly customerId: string;
  readonly runId: string;
  readonly rank: number;
  readonly offerId: string;
  readonly offerName: string;
  readonly channelId: string;
  readonly discountPct: number;
  readonly sendDate: string;
  /** `HH:00` of the send on timed channels; absent or '' when the channel is not timed. */
  readonly sendWindow?: string;
  readonly segment: string;
  /** P(response | this action) and P(response | no contact). */
  readonly pTreated: number;
  readonly pControl: number;
  readonly expectedIncrementalProfit: number;
  readonly expectedCost: number;
  /** The churn model's 90-day churn probability and the value model's 180-day revenue, when the run had them. */
  readonly churnProbability?: number;
  readonly value180d?: number;
  /** Reason codes a marketer can read. */
  readonly reasons: readonly string[];
}
