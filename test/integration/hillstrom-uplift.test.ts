import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScorecardRow } from '#shared/domain/model-eval/scorecard-row';
import { HILLSTROM_FILE, hillstromSection } from '../../scripts/eval/hillstrom';
import { realDataFile } from '../support/real-data';

const path = realDataFile(HILLSTROM_FILE, 'Hillstrom uplift test');
const LOGISTIC = 't-learner (tfjs logistic)';

describe('the Hillstrom scorecard section', () => {
  it.skipIf(path === undefined)(
    'ranks Womens E-Mail visit uplift clearly better than random on one 70/30 split',
    async () => {
      const dataDir = dirname(dirname(path ?? ''));
      const section = await hillstromSection(dataDir, { splits: 1, approaches: [LOGISTIC] });
      if ('skipped' in section) throw new Error(section.skipped);
      const find = (task: string, model: string, metric: string): ScorecardRow => {
        const row = section.rows.find(
          (r) => r.task.startsWith(task) && r.model.startsWith(model) && r.metric === metric,
        );
        if (row === undefined) throw new Error(`no row ${task} / ${model} / ${metric}`);
        return row;
      };
      // A random score lands within about ±0.02 of 0 on a 12,800-customer holdout.
      expect(find('Womens', LOGISTIC, 'qini').value).toBeGreaterThan(0.02);
      expect(find('Womens', LOGISTIC, 'uplift@30%').value).toBeGreaterThan(0);
      // Sending the e-mail a model picks beats sending none: the test's e-mails raised visits by 4-8 points.
      const none = find('policy value, visits', 'fixed: none', 'visit rate').value;
      const allWomens = find('policy value, visits', 'fixed: all Womens', 'visit rate').value;
      const targeted = find('policy value, visits', `best e-mail by ${LOGISTIC}`, 'visit rate').value;
      expect(allWomens).toBeGreaterThan(none + 0.02);
      expect(targeted).toBeGreaterThan(none + 0.02);
    },
  );

  it('is skipped with a message naming the missing file and CAMPAIGN_DATA_DIR', async () => {
    const section = await hillstromSection('/nonexistent/shared-data');
    expect(section).toEqual({
      dataset: 'hillstrom',
      skipped: expect.stringContaining(join('/nonexistent/shared-data', HILLSTROM_FILE)),
    });
    expect('skipped' in section && section.skipped).toMatch(/CAMPAIGN_DATA_DIR/);
  });
});
