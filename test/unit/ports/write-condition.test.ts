import { describe, expect, it } from 'vitest';
import { writeConditionHolds } from '#shared/ports/object-store';

describe('writeConditionHolds (S3 If-None-Match / If-Match)', () => {
  it('lets a write that expects no object through only where there is none', () => {
    expect(writeConditionHolds(undefined, null)).toBe(true);
    expect(writeConditionHolds('"a"', null)).toBe(false);
  });

  it('lets a write that expects a tag through only while the object still has it', () => {
    expect(writeConditionHolds('"a"', '"a"')).toBe(true);
    expect(writeConditionHolds('"b"', '"a"')).toBe(false);
    expect(writeConditionHolds(undefined, '"a"')).toBe(false);
  });
});
