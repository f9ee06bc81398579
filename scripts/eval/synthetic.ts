import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { ScorecardRow, ScorecardSection } from '../../shared/domain/model-eval/scorecard-row';

const savedScorecard = z.object({
  model: z
    .object({
      qini: z.number().nullable(),
      auuc: z.number(),
      calibrationError: z.number().nullable(),
      meanEstimatedUplift: z.number(),
      meanTrueUplift: z.number(),
    })
    .nullable()
    .optional(),
  engine: z
    .object({
      percentOfOracle: z.number().nullable(),
      // Scorecards saved before the same-spend comparison lack it.
      atPlanSpend: z.object({ spend: z.number(), percentOfOracle: z.number().nullable() }).optional(),
    })
    .nullable()
    .optional(),
});

/**
 * The response model against the planted truth of the demo world: the Qini and AUUC of its uplift
 * estimates, their calibration, and the share of the oracle's true profit the plan reaches. Read from
 * the scorecard `npm start` (or `npm run scorecard`) wrote for the latest run.
 */
export function syntheticSection(runsDir: string, scorecardsDir: string): ScorecardSection {
  const latest = resolve(runsDir, 'latest.json');
  if (!existsSync(latest)) {
    return { dataset: 'synthetic', skipped: `no run in ${runsDir}: run \`npm start -- --once\` first` };
  }
  const { runId } = z.object({ runId: z.string() }).parse(JSON.parse(readFileSync(latest, 'utf8')));
  const path = resolve(scorecardsDir, `${runId}.json`);
  if (!existsSync(path)) {
    return { dataset: 'synthetic', skipped: `no scorecard ${path}: run \`npm run scorecard\` first` };
  }
  const card = savedScorecard.parse(JSON.parse(readFileSync(path, 'utf8')));
  const row = (metric: string, value: number, extra: Partial<ScorecardRow> = {}): ScorecardRow => ({
    dataset: 'synthetic',
    task: `demo world, run ${runId.slice(0, 8)}`,
    model: 'response model (tarnet, level input)',
    metric,
    value,
    higherIsBetter: true,
    ...extra,
  });
  const rows: ScorecardRow[] = [];
  const model = card.model;
  if (model) {
    if (model.qini !== null) rows.push(row('qini vs truth', model.qini));
    rows.push(row('auuc vs truth', model.auuc));
    if (model.calibrationError !== null)
      rows.push(row('calibration error', model.calibrationError, { higherIsBetter: false }));
    rows.push(row('mean estimated / true uplift', model.meanEstimatedUplift / model.meanTrueUplift));
  }
  const percent = card.engine?.percentOfOracle;
  if (percent !== undefined && percent !== null) {
    rows.push(row('plan % of oracle profit', percent, { model: 'engine plan', target: 90 }));
  }
  const atSpend = card.engine?.atPlanSpend;
  if (atSpend && atSpend.percentOfOracle !== null) {
    rows.push(
      row(
        `plan % of oracle profit at its true spend (${atSpend.spend.toFixed(0)})`,
        atSpend.percentOfOracle,
        {
          model: 'engine plan',
          target: 90,
        },
      ),
    );
  }
  return { dataset: 'synthetic', rows };
}
