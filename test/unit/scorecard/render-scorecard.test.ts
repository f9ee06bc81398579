import { describe, expect, it } from 'vitest';
import { formatScorecard, renderScorecardHtml } from '#shared/domain/scorecard/render-scorecard';
import { buildScorecard } from '#shared/domain/scorecard/scorecard';
import { STRATEGIES, STRATEGY_LABELS, strategyPlanner } from '#shared/domain/scorecard/strategies';
import { randomWorld } from './world-fixture';

describe('the scorecard page and table', () => {
  const world = randomWorld(800, 4, 80);
  const choice = new Int32Array(world.customerIds.length).fill(-1);
  choice[0] = world.actionStart[0] ?? -1;
  const card = buildScorecard(world, {
    seed: 1,
    engine: {
      runId: 'r<1>',
      label: 'plan <script>',
      choice,
      unmatched: 3,
      estimates: { pControl: world.pControl, pTreated: world.pTreated },
    },
  });

  it('shows every strategy, the two charts and the model section, escaping what it prints', () => {
    const page = renderScorecardHtml(card, 'Scorecard: run r<1>');
    for (const name of STRATEGIES) expect(page).toContain(STRATEGY_LABELS[name].replace("'", '&#39;'));
    expect(page).toContain('plan &lt;script&gt;');
    expect(page).not.toContain('<script>');
    expect(page.match(/<svg /g)?.length).toBe(2);
    expect(page).toContain('3 targeted rows of the plan name a customer or action the truth does not know');
    expect(page).toContain('Qini curve against the planted truth');
  });

  it('prints one line per strategy with its percent of the oracle', () => {
    const text = formatScorecard(card);
    expect(text.split('\n')).toHaveLength(1 + STRATEGIES.length + 1 + 1);
    expect(text).toMatch(/Oracle: optimal plan on the true model\s+100\.0%/);
    expect(text).toContain('model vs truth: Qini 1.000');
    expect(text).not.toContain('the oracle given');
  });

  it('says what an overspending plan earns against the oracle given the same spend', () => {
    const lavish = strategyPlanner(world, 1)('oracle', 160).choice;
    const over = buildScorecard(world, { seed: 1, engine: { runId: 'r2', choice: lavish, unmatched: 0 } });
    const spend = over.engine?.atPlanSpend.spend ?? 0;
    expect(spend).toBeGreaterThan(80);
    const note = `Under the truth the plan spends ${spend.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} against the budget of 80.00`;
    expect(formatScorecard(over)).toContain(note);
    expect(formatScorecard(over)).toMatch(/of which the plan earns 100\.0%/);
    expect(renderScorecardHtml(over, 'Scorecard')).toContain(note);
  });
});
