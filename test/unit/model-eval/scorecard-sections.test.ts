import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowMeetsTarget, type ScorecardRow } from '#shared/domain/model-eval/scorecard-row';
import { syntheticSection } from '../../../scripts/eval/synthetic';

const row = (extra: Partial<ScorecardRow>): ScorecardRow => ({
  dataset: 'd',
  task: 't',
  model: 'm',
  metric: 'x',
  value: 0.5,
  higherIsBetter: true,
  ...extra,
});

describe('rowMeetsTarget', () => {
  it('compares against the target, else the reference, in the direction that is better', () => {
    expect(rowMeetsTarget(row({ reference: 0.4 }))).toBe(true);
    expect(rowMeetsTarget(row({ reference: 0.4, target: 0.6 }))).toBe(false);
    expect(rowMeetsTarget(row({ reference: 0.4, higherIsBetter: false }))).toBe(false);
    expect(rowMeetsTarget(row({}))).toBeUndefined();
    expect(rowMeetsTarget(row({ value: Number.NaN, reference: 0.1 }))).toBe(false);
  });

  it('checks closeness when the row carries a tolerance', () => {
    expect(rowMeetsTarget(row({ value: 1.009, reference: 1, tolerance: { relative: 0.01 } }))).toBe(true);
    expect(rowMeetsTarget(row({ value: 0.98, reference: 1, tolerance: { relative: 0.01 } }))).toBe(false);
  });
});

describe('syntheticSection', () => {
  it('says to run the demo first when there is no run or no scorecard', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-'));
    expect(syntheticSection(join(dir, 'runs'), join(dir, 'cards'))).toMatchObject({
      skipped: expect.stringContaining('npm start'),
    });
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs/latest.json'), JSON.stringify({ runId: 'run-1' }));
    expect(syntheticSection(join(dir, 'runs'), join(dir, 'cards'))).toMatchObject({
      skipped: expect.stringContaining('npm run scorecard'),
    });
  });

  /** The synthetic section read from a latest run `run-1` whose saved scorecard is `card`. */
  const sectionOf = (card: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-'));
    mkdirSync(join(dir, 'runs'));
    mkdirSync(join(dir, 'cards'));
    writeFileSync(join(dir, 'runs/latest.json'), JSON.stringify({ runId: 'run-1' }));
    writeFileSync(join(dir, 'cards/run-1.json'), JSON.stringify(card));
    const section = syntheticSection(join(dir, 'runs'), join(dir, 'cards'));
    if ('skipped' in section) throw new Error(section.skipped);
    return section;
  };

  it("reads the latest run's model-vs-truth figures and the plan's share of the oracle", () => {
    const section = sectionOf({
      model: {
        qini: 0.6,
        auuc: 150,
        calibrationError: 0.01,
        meanEstimatedUplift: 0.04,
        meanTrueUplift: 0.02,
      },
      engine: { percentOfOracle: 48.6 },
    });
    const byMetric = new Map(section.rows.map((r) => [r.metric, r]));
    expect(byMetric.get('qini vs truth')?.value).toBe(0.6);
    expect(byMetric.get('mean estimated / true uplift')?.value).toBeCloseTo(2, 12);
    const plan = byMetric.get('plan % of oracle profit');
    expect(plan?.value).toBe(48.6);
    expect(plan && rowMeetsTarget(plan)).toBe(false);
  });

  it("adds the plan's share of the oracle at its true spend when the scorecard has it", () => {
    const section = sectionOf({
      engine: { percentOfOracle: 84.7, atPlanSpend: { spend: 1613.4, percentOfOracle: 71.3 } },
    });
    const atSpend = section.rows.find((r) =>
      r.metric.startsWith('plan % of oracle profit at its true spend'),
    );
    expect(atSpend).toMatchObject({ value: 71.3, target: 90, metric: expect.stringContaining('1613') });
  });
});
