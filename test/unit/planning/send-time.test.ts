import { describe, expect, it } from 'vitest';
import {
  chooseSendHour,
  preferredHour,
  SEGMENT_PRIOR_OCCASIONS,
  segmentMeanHours,
  sendWindowOf,
} from '#shared/domain/planning/send-time';

describe('preferredHour', () => {
  it('weighs the customer against the segment by their occasions', () => {
    // 3 own occasions against a prior of 3: halfway between 20 and 10.
    expect(SEGMENT_PRIOR_OCCASIONS).toBe(3);
    expect(preferredHour({ meanHour: 20, occasions: 3 }, 10)).toBeCloseTo(15, 12);
    expect(preferredHour({ meanHour: 20, occasions: 27 }, 10)).toBeCloseTo(19, 12);
  });

  it('falls back to the segment, or to its own hour when the segment has none, or to null', () => {
    expect(preferredHour({ meanHour: null, occasions: 0 }, 11)).toBe(11);
    expect(preferredHour({ meanHour: 14, occasions: 2 }, undefined)).toBe(14);
    expect(preferredHour({ meanHour: null, occasions: 0 }, undefined)).toBeNull();
  });
});

describe('segmentMeanHours', () => {
  it('averages per segment, weighted by occasions, over customers with an hour', () => {
    const means = segmentMeanHours([
      { segment: 'A', evidence: { meanHour: 10, occasions: 1 } },
      { segment: 'A', evidence: { meanHour: 16, occasions: 2 } },
      { segment: 'A', evidence: { meanHour: null, occasions: 0 } },
      { segment: 'B', evidence: { meanHour: null, occasions: 0 } },
    ]);
    expect(means.get('A')).toBeCloseTo(14, 12);
    expect(means.has('B')).toBe(false);
  });
});

describe('chooseSendHour', () => {
  it('takes the nearest candidate, the earlier on a tie, and the most used without a preference', () => {
    expect(chooseSendHour(13.9, [9, 12, 18])).toBe(12);
    expect(chooseSendHour(15, [18, 12])).toBe(12);
    expect(chooseSendHour(16, [9, 12, 18])).toBe(18);
    expect(chooseSendHour(null, [18, 9])).toBe(18);
    expect(chooseSendHour(10, [])).toBeNull();
  });

  it('writes the window as HH:00, and nothing for an untimed channel', () => {
    expect(sendWindowOf(9)).toBe('09:00');
    expect(sendWindowOf(18)).toBe('18:00');
    expect(sendWindowOf(null)).toBe('');
  });
});
