import { describe, expect, it } from 'vitest';
import { onlineRetailSection } from '../../../scripts/eval/online-retail';

describe('onlineRetailSection', () => {
  it('skips with a message naming the missing file and CAMPAIGN_DATA_DIR', async () => {
    const section = await onlineRetailSection('/no/such/folder');
    expect(section).toEqual({
      dataset: 'online_retail',
      skipped: expect.stringMatching(
        /\/no\/such\/folder\/online_retail\/online_retail\.csv\.gz.*CAMPAIGN_DATA_DIR/,
      ),
    });
  });
});
