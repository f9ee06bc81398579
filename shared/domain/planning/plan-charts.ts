import { formatNumber } from '../quality/format';
import type { SafeHtml } from '../quality/html';
import { type BarRow, barChart, lineChart, type PointMark } from '../quality/svg-charts';
import { type BudgetCurve, type BudgetCurvePoint, marginalProfitAt } from './budget-curve';
import type { RunStrategyFigures } from './strategy-comparison';

/** The run report's charts of the budget curve and of the strategy comparison. */

const money = (value: number, currency: string) => `${formatNumber(Math.round(value))} ${currency}`;

/** Profit of the curve at `budget`, read off its segments (flat past saturation). */
function profitAt(points: readonly BudgetCurvePoint[], budget: number): number {
  let previous: BudgetCurvePoint | undefined;
  for (const point of points) {
    if (point.budget >= budget) {
      if (!previous || point.budget === previous.budget) return point.profit;
      const share = (budget - previous.budget) / (point.budget - previous.budget);
      return previous.profit + share * (point.profit - previous.profit);
    }
    previous = point;
  }
  return previous?.profit ?? 0;
}

/**
 * Best expected incremental profit against budget, with the knee and the run's budget marked. A
 * budget beyond saturation extends the curve flat to it, since the extra money buys nothing; an
 * unlimited budget is marked at saturation, the most it can spend.
 */
export function budgetCurveChart(curve: BudgetCurve, runBudget: number, currency: string): SafeHtml {
  const unlimited = !Number.isFinite(runBudget);
  const at = unlimited ? curve.saturationBudget : Math.max(0, runBudget);
  const points = curve.points.map((p) => ({ x: p.budget, y: p.profit }));
  if (at > curve.saturationBudget) points.push({ x: at, y: curve.maxProfit });
  const marks: PointMark[] = [
    { label: 'knee', x: curve.knee.budget, y: curve.knee.profit },
    { label: unlimited ? 'run budget (unlimited)' : 'run budget', x: at, y: profitAt(curve.points, at) },
  ];
  const next = marginalProfitAt(curve, unlimited ? Number.POSITIVE_INFINITY : runBudget);
  return lineChart([{ label: 'Best expected incremental profit', points }], {
    caption:
      `Best expected incremental profit by budget (${currency}): knee at ${money(curve.knee.budget, currency)}, ` +
      `run budget ${unlimited ? 'unlimited' : money(runBudget, currency)}, where the next ${currency} of budget ` +
      `adds ${formatNumber(Number(next.toFixed(3)))} ${currency}; nothing more to buy beyond ` +
      `${money(curve.saturationBudget, currency)}`,
    xLabel: `budget (${currency})`,
    yLabel: `expected incremental profit (${currency})`,
    text: (v) => money(v, currency),
    marks,
  });
}

/**
 * One bar per strategy, in the order given, of expected incremental profit on the run's own
 * estimates. A loss has no bar to draw, so it shows as its figure beside an empty row.
 */
export function strategyComparisonChart(figures: readonly RunStrategyFigures[], currency: string): SafeHtml {
  const rows: BarRow[] = figures.map((f) => {
    const profit = f.expectedIncrementalProfit;
    return {
      label: f.label,
      segments: [
        {
          value: Math.max(0, profit),
          tone: profit < 0 ? 'bad' : f.strategy === 'plan' ? 'good' : 'info',
          title: `${f.label}: ${money(profit, currency)} from ${formatNumber(f.customers)} customers`,
        },
      ],
      note: money(profit, currency),
    };
  });
  const max = Math.max(0, ...figures.map((f) => f.expectedIncrementalProfit));
  return barChart(rows, {
    max,
    caption: `Expected incremental profit by strategy (${currency}), on the run's own estimates`,
  });
}
