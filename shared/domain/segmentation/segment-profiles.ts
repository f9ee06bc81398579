/**
 * What a segment's customers look like beyond the RFM features it was clustered on, from the
 * feature-store columns of each customer. Sums are kept per segment, so memory does not grow with
 * the number of customers and the profiles stay small enough for the Step Functions payload.
 */

/**
 * Feature-store columns whose per-segment mean a profile reports, where the features file has
 * them: the RFM values, how long and how the customer has been buying, and through which channel.
 */
export const PROFILE_FEATURES = [
  'recency_days',
  'frequency_365',
  'monetary_365',
  'tenure_days',
  'avg_basket_value',
  'inter_purchase_mean_days',
  'return_rate',
  'discount_share',
  'online_share',
  'otc_share',
] as const;

/**
 * Response rates per contact channel. The discounted, undiscounted and trend rates of the feature
 * store are not per channel and would count the same contacts twice.
 */
export const CHANNEL_RESPONSE_RATES = [
  'response_rate_email',
  'response_rate_sms',
  'response_rate_push',
  'response_rate_direct_mail',
] as const;

/** Feature-store flags operations teams segment by. */
export const LIFECYCLE_FLAGS = ['is_inactive', 'is_otc_only', 'is_high_value'] as const;

// The same columns as the category shares the response model reads (feature-vector.ts).
const CATEGORY_SHARE = /^cat_share_([a-z0-9_]+)$/;
const TOP_CATEGORIES = 3;

export interface CategoryShare {
  /** The category, as named in its `cat_share_` column. */
  category: string;
  /** Mean over the segment's customers of the category's share of their spend. */
  share: number;
}

export interface SegmentProfileStats {
  inactiveCustomers: number;
  otcOnlyCustomers: number;
  highValueCustomers: number;
  /** Per {@link PROFILE_FEATURES} column in the file: the mean over customers with a value; a column none has is left out. */
  meanFeatures: Record<string, number>;
  /** Up to three categories with the highest mean share of spend, largest first; categories nobody bought are left out. */
  topCategories: CategoryShare[];
  /**
   * Mean of every per-channel response rate the segment's customers have (one customer contacted on
   * two channels counts twice); null when none was ever contacted.
   */
  responseRate: number | null;
}

interface Sums {
  customers: number;
  flags: number[];
  featureSum: number[];
  featureCount: number[];
  categorySum: number[];
  responseSum: number;
  responseCount: number;
}

/**
 * Accumulates profiles of segments `0..segments-1` from feature-store rows, one row per customer.
 *
 * @example
 * const profiles = new SegmentProfiles(2, ['customer_id', 'tenure_days', 'cat_share_skin_care']);
 * profiles.add(0, { customer_id: 'c1', tenure_days: '400', cat_share_skin_care: '0.5' });
 * profiles.profile(0).meanFeatures; // { tenure_days: 400 }
 */
export class SegmentProfiles {
  private readonly features: readonly string[];
  private readonly categories: readonly string[];
  private readonly sums: Sums[];

  /**
   * @param segments - number of segments, ids 0..segments-1
   * @param columns - the features file's header
   */
  public constructor(segments: number, columns: readonly string[]) {
    this.features = PROFILE_FEATURES.filter((f) => columns.includes(f));
    // Sorted so that ties in share fall to the same category whatever the column order.
    this.categories = columns.filter((c) => CATEGORY_SHARE.test(c)).sort();
    this.sums = Array.from({ length: segments }, () => ({
      customers: 0,
      flags: new Array<number>(LIFECYCLE_FLAGS.length).fill(0),
      featureSum: new Array<number>(this.features.length).fill(0),
      featureCount: new Array<number>(this.features.length).fill(0),
      categorySum: new Array<number>(this.categories.length).fill(0),
      responseSum: 0,
      responseCount: 0,
    }));
  }

  /**
   * Adds one customer's row to a segment.
   *
   * @param segment - the customer's segment, in 0..segments-1
   * @param row - the customer's feature-store cells; empty means no value (SQL NULL)
   */
  public add(segment: number, row: Readonly<Record<string, string | undefined>>): void {
    const s = this.sums[segment];
    if (s === undefined) throw new RangeError(`segment ${segment} is not in 0..${this.sums.length - 1}`);
    s.customers++;
    LIFECYCLE_FLAGS.forEach((f, i) => {
      if (row[f] === 'true' || row[f] === '1') s.flags[i] = (s.flags[i] ?? 0) + 1;
    });
    this.features.forEach((f, i) => {
      const x = numberOrNull(row[f]);
      if (x === null) return;
      s.featureSum[i] = (s.featureSum[i] ?? 0) + x;
      s.featureCount[i] = (s.featureCount[i] ?? 0) + 1;
    });
    // An empty share is a customer who bought nothing in the window: a share of 0, not unknown.
    this.categories.forEach((c, i) => {
      s.categorySum[i] = (s.categorySum[i] ?? 0) + (numberOrNull(row[c]) ?? 0);
    });
    for (const channel of CHANNEL_RESPONSE_RATES) {
      const rate = numberOrNull(row[channel]);
      if (rate === null) continue;
      s.responseSum += rate;
      s.responseCount++;
    }
  }

  /** The profile of one segment so far. */
  public profile(segment: number): SegmentProfileStats {
    const s = this.sums[segment];
    if (s === undefined) throw new RangeError(`segment ${segment} is not in 0..${this.sums.length - 1}`);
    const meanFeatures: Record<string, number> = {};
    this.features.forEach((f, i) => {
      const count = s.featureCount[i] ?? 0;
      if (count > 0) meanFeatures[f] = (s.featureSum[i] ?? 0) / count;
    });
    const topCategories = this.categories
      .map((column, i) => ({
        category: column.replace(CATEGORY_SHARE, '$1'),
        share: s.customers > 0 ? (s.categorySum[i] ?? 0) / s.customers : 0,
      }))
      .filter((c) => c.share > 0)
      // Stable sort over sorted columns: equal shares stay in category order.
      .sort((a, b) => b.share - a.share)
      .slice(0, TOP_CATEGORIES);
    return {
      inactiveCustomers: s.flags[0] ?? 0,
      otcOnlyCustomers: s.flags[1] ?? 0,
      highValueCustomers: s.flags[2] ?? 0,
      meanFeatures,
      topCategories,
      responseRate: s.responseCount > 0 ? s.responseSum / s.responseCount : null,
    };
  }
}

function numberOrNull(cell: string | undefined): number | null {
  if (cell === undefined || cell === '') return null;
  const x = Number(cell);
  return Number.isFinite(x) ? x : null;
}
