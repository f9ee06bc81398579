import { describe, expect, it } from 'vitest';
import { SegmentProfiles } from '#shared/domain/segmentation/segment-profiles';

const COLUMNS = [
  'customer_id',
  'recency_days',
  'tenure_days',
  'cat_share_vitamins',
  'cat_share_baby',
  'cat_share_skin_care',
  'cat_share_hair',
  'response_rate_email',
  'response_rate_push',
  'response_rate_trend',
  'is_inactive',
  'is_otc_only',
  'is_high_value',
  'gender',
];

describe('SegmentProfiles', () => {
  it('averages features over customers with a value, and ranks categories by mean share', () => {
    const profiles = new SegmentProfiles(2, COLUMNS);
    profiles.add(0, {
      recency_days: '10',
      tenure_days: '100',
      cat_share_vitamins: '0.6',
      cat_share_baby: '0.2',
      cat_share_skin_care: '0.2',
      response_rate_email: '0.5',
      response_rate_push: '0',
      response_rate_trend: '-0.4',
      is_inactive: 'false',
      is_high_value: '1',
    });
    profiles.add(0, {
      recency_days: '',
      tenure_days: '300',
      cat_share_hair: '0.2',
      cat_share_baby: '0.2',
      response_rate_email: '0.25',
      is_inactive: 'true',
      is_otc_only: 'true',
    });
    expect(profiles.profile(0)).toEqual({
      inactiveCustomers: 1,
      otcOnlyCustomers: 1,
      highValueCustomers: 1,
      // recency is averaged over the one customer who has it; tenure over both.
      meanFeatures: { recency_days: 10, tenure_days: 200 },
      // Empty shares count as 0. Hair and skin care tie at 0.1: the first by name takes the place.
      topCategories: [
        { category: 'vitamins', share: 0.3 },
        { category: 'baby', share: 0.2 },
        { category: 'hair', share: 0.1 },
      ],
      responseRate: 0.25,
    });
    expect(profiles.profile(1)).toEqual({
      inactiveCustomers: 0,
      otcOnlyCustomers: 0,
      highValueCustomers: 0,
      meanFeatures: {},
      topCategories: [],
      responseRate: null,
    });
  });

  it('reports only the profile features the file has, and refuses unknown segments', () => {
    const profiles = new SegmentProfiles(1, ['customer_id', 'monetary_365', 'is_inactive']);
    profiles.add(0, { monetary_365: 'NaN-ish' });
    profiles.add(0, { monetary_365: '-30' });
    expect(profiles.profile(0).meanFeatures).toEqual({ monetary_365: -30 });
    expect(() => profiles.add(1, {})).toThrow(RangeError);
    expect(() => profiles.profile(-1)).toThrow(RangeError);
  });
});
