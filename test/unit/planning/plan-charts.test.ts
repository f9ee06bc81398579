import { describe, expect, it } from 'vitest';
import type { BudgetCurve, BudgetCurvePoint } from '#shared/domain/planning/budget-curve';
import { budgetCurveChart, strategyComparisonChart } from '#shared/domain/planning/plan-charts';
import type { RunStrategyFigures } from '#shared/domain/planning/strategy-comparison';

function point(budget: number, profit: number, marginal: number): BudgetCurvePoint {
  return { budget, spend: budget, profit, customers: budget, marginalProfitPerEuro: marginal, gap: 0 };
}

const points = [point(0, 0, 0), point(100, 600, 6), point(200, 900, 3), point(300, 1000, 1)];
const curve: BudgetCurve = {
  points,
  saturationBudget: 300,
  maxProfit: 1000,
  knee: points[1] as BudgetCurvePoint,
};

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('budgetCurveChart', () => {
  it('draws the curve and marks the knee and the run budget on it', () => {
    const svg = budgetCurveChart(curve, 150, 'EUR').text;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(count(svg, '<path')).toBe(1);
    expect(count(svg, '<circle')).toBe(2);
    // The run budget sits halfway between 600 at 100 and 900 at 200.
    expect(svg).toContain('<title>run budget: 750 EUR at 150 EUR</title>');
    expect(svg).toContain('<title>knee: 600 EUR at 100 EUR</title>');
    expect(svg).toContain('knee at 100 EUR');
    expect(svg).toContain('run budget 150 EUR, where the next EUR of budget adds 3 EUR');
    expect(svg).toContain('nothing more to buy beyond 300 EUR');
  });

  it('extends the curve flat to a budget past saturation', () => {
    const svg = budgetCurveChart(curve, 500, 'EUR').text;
    expect(svg).toContain('<title>run budget: 1,000 EUR at 500 EUR</title>');
    expect(svg).toContain('adds 0 EUR');
    const path = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(path.split(' ')).toHaveLength(points.length + 1);
  });

  it('marks an unlimited budget at saturation', () => {
    const svg = budgetCurveChart(curve, Number.POSITIVE_INFINITY, 'EUR').text;
    expect(svg).toContain('<title>run budget (unlimited): 1,000 EUR at 300 EUR</title>');
    expect(svg).toContain('run budget unlimited');
    expect(svg).not.toContain('Infinity');
  });

  it('escapes the currency', () => {
    const svg = budgetCurveChart(curve, 150, '<b>&').text;
    expect(svg).toContain('&lt;b&gt;&amp;');
    expect(svg).not.toContain('<b>');
  });
});

function figures(
  strategy: RunStrategyFigures['strategy'],
  label: string,
  profit: number,
): RunStrategyFigures {
  return {
    strategy,
    label,
    customers: 10,
    spend: 100,
    expectedIncrementalConversions: 1,
    expectedIncrementalProfit: profit,
    roi: profit / 100,
  };
}

describe('strategyComparisonChart', () => {
  const rows = [
    figures('broadcast', 'Broadcast in list order', -250),
    figures('propensity', 'Top-K by response probability', 400),
    figures('expected_value', 'Greedy churn × value × retention rate', 300),
    figures('plan', 'This plan', 800),
  ];

  it('draws one bar per strategy with its label and profit, the plan in the good tone', () => {
    const svg = strategyComparisonChart(rows, 'EUR').text;
    expect(count(svg, '<rect')).toBe(4);
    for (const row of rows) expect(svg).toContain(`<title>${row.label}</title>`);
    expect(svg).toContain('>800 EUR</text>');
    expect(svg).toContain('<rect class="good"');
    expect(svg).toContain('on the run&#39;s own estimates');
  });

  it('scales bars to the best strategy and leaves a loss an empty bar with its figure', () => {
    const svg = strategyComparisonChart(rows, 'EUR').text;
    const widths = [...svg.matchAll(/<rect class="(\w+)" x="[^"]+" y="[^"]+" width="([^"]+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(widths).toEqual([
      ['bad', 0],
      ['info', 180],
      ['info', 135],
      ['good', 360],
    ]);
    expect(svg).toContain('>-250 EUR</text>');
  });

  it('escapes labels', () => {
    const svg = strategyComparisonChart([figures('plan', 'Plan <script>"x"</script>', 1)], 'EUR').text;
    expect(svg).toContain('Plan &lt;script&gt;&quot;x&quot;&lt;/script&gt;');
    expect(svg).not.toContain('<script>');
  });
});
