/**
 * The customer-lifetime-value models' scorecard on the CDNOW 1/10 sample (Fader & Hardie): BG/NBD
 * and Gamma-Gamma fitted on the 39-week calibration period (1997-01-01 .. 1997-09-30) against the
 * published parameters, then judged on the 39-week holdout (1997-10-01 .. 1998-06-30) the fits never
 * saw: repeat purchases in total and by calibration frequency, spend per purchase, 180-day value.
 *
 *   npm run scorecard:clv                  # data from $CAMPAIGN_DATA_DIR or ../shared/data
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BgNbdParams, expectedPurchasesNewCustomer, fitBgNbd } from '../shared/domain/clv/bg-nbd';
import { CDNOW_START_DAY, parseCdnowSample, parseCdnowSummary } from '../shared/domain/clv/cdnow-format';
import { customerValue } from '../shared/domain/clv/customer-value';
import { expectedAverageSpend, fitGammaGamma } from '../shared/domain/clv/gamma-gamma';
import { holdoutCheck } from '../shared/domain/clv/holdout-check';
import { type PurchaseEvent, purchaseDaysBetween, rfmSummary } from '../shared/domain/clv/rfm-summary';

const REFERENCE_BG_NBD: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const REFERENCE_LOG_LIKELIHOOD = -9582.4;
const REFERENCE_GAMMA_GAMMA = { p: 6.25, q: 3.74, v: 15.45 };

const CALIBRATION_END = CDNOW_START_DAY + 272;
const HOLDOUT_END = CALIBRATION_END + 273;
const HOLDOUT_WEEKS = 39;
const VALUE_DAYS = 180;

const dataDir = resolve(process.env.CAMPAIGN_DATA_DIR ?? resolve(import.meta.dirname, '../../shared/data'));
const samplePath = join(dataDir, 'cdnow/CDNOW_sample.txt');
const summaryPath = join(dataDir, 'cdnow/cdnow_customers_summary.csv');
if (!existsSync(samplePath)) {
  console.error(`no ${samplePath}: set CAMPAIGN_DATA_DIR to the shared data folder`);
  process.exit(1);
}

const fixed = (value: number, digits = 4) => value.toFixed(digits);
const percent = (value: number, reference: number) => `${fixed((100 * (value - reference)) / reference, 2)}%`;

const events = parseCdnowSample(readFileSync(samplePath, 'utf8'));
const calibration = rfmSummary(events, { lastObservedDay: CALIBRATION_END });

console.log(`CDNOW sample: ${events.length} purchases, ${calibration.length} customers`);
if (existsSync(summaryPath)) {
  const published = new Map(
    parseCdnowSummary(readFileSync(summaryPath, 'utf8')).map((row) => [row.customerId, row]),
  );
  const mismatches = calibration.filter((c) => {
    const row = published.get(c.customerId);
    return (
      !row ||
      row.frequency !== c.frequency ||
      Math.abs(row.recency - c.recency) > 0.005 ||
      Math.abs(row.T - c.T) > 0.005
    );
  });
  console.log(
    `summary from the transactions vs cdnow_customers_summary.csv: ${mismatches.length} of ${published.size} differ`,
  );
}

const bgNbd = fitBgNbd(calibration);
console.log('\nBG/NBD on the 39-week calibration period (weeks)');
console.log('param   fitted      reference  difference');
for (const key of ['r', 'alpha', 'a', 'b'] as const) {
  const value = bgNbd.params[key];
  const reference = REFERENCE_BG_NBD[key];
  console.log(
    `${key.padEnd(7)} ${fixed(value).padStart(9)}   ${fixed(reference).padStart(9)}  ${percent(value, reference)}`,
  );
}
console.log(
  `log-likelihood ${bgNbd.logLikelihood.toFixed(2)} (reference ${REFERENCE_LOG_LIKELIHOOD}, difference ${(bgNbd.logLikelihood - REFERENCE_LOG_LIKELIHOOD).toFixed(2)})`,
);

const actualHoldout = purchaseDaysBetween(events, CALIBRATION_END, HOLDOUT_END);
const check = holdoutCheck(bgNbd.params, calibration, actualHoldout, HOLDOUT_WEEKS);
console.log('\nHoldout, 39 weeks (1997-10-01 .. 1998-06-30): repeat purchase days');
console.log(
  `total predicted ${check.predictedTotal.toFixed(1)}, actual ${check.actualTotal} (${percent(check.predictedTotal, check.actualTotal)}); MAE per customer ${fixed(check.meanAbsoluteError, 3)}`,
);
// The cohort-level forecast (FHL's tracking plot) ignores each customer's history: it only knows
// when they arrived, so it shows how much the conditional predictions gain from the history.
const cohortForecast = calibration.reduce(
  (sum, c) =>
    sum +
    expectedPurchasesNewCustomer(bgNbd.params, c.T + HOLDOUT_WEEKS) -
    expectedPurchasesNewCustomer(bgNbd.params, c.T),
  0,
);
console.log(`unconditional (cohort) forecast of the same total: ${cohortForecast.toFixed(1)}`);
console.log('calibration x  customers  predicted mean  actual mean');
for (const bucket of check.byFrequency) {
  console.log(
    `${bucket.frequency.padStart(13)}  ${String(bucket.customers).padStart(9)}  ${fixed(bucket.predictedMean, 3).padStart(14)}  ${fixed(bucket.actualMean, 3).padStart(11)}`,
  );
}

const gammaGamma = fitGammaGamma(calibration);
console.log(`\nGamma-Gamma on the ${gammaGamma.customers} repeat customers of the calibration period`);
for (const key of ['p', 'q', 'v'] as const) {
  const value = gammaGamma.params[key];
  const reference = REFERENCE_GAMMA_GAMMA[key];
  console.log(
    `${key.padEnd(7)} ${fixed(value).padStart(9)}   ${fixed(reference, 2).padStart(9)}  ${percent(value, reference)}`,
  );
}
const repeat = calibration.filter((c) => c.frequency > 0);
const meanOf = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
console.log(
  `in sample: mean predicted spend per purchase ${fixed(meanOf(repeat.map((c) => expectedAverageSpend(gammaGamma.params, c))), 2)}, mean observed ${fixed(meanOf(repeat.map((c) => c.monetary)), 2)}`,
);

const holdoutSpend = spendPerPurchaseDay(events, CALIBRATION_END, HOLDOUT_END);
const buyers = calibration.filter((c) => holdoutSpend.has(c.customerId));
console.log(
  `holdout: ${buyers.length} customers bought again; mean predicted spend per purchase ${fixed(meanOf(buyers.map((c) => expectedAverageSpend(gammaGamma.params, c))), 2)}, actual ${fixed(meanOf(buyers.map((c) => holdoutSpend.get(c.customerId) ?? 0)), 2)}`,
);

const values = calibration.map((c) =>
  customerValue(bgNbd.params, gammaGamma.params, c, { horizonDays: VALUE_DAYS }),
);
const predictedValue = values.reduce((sum, v) => sum + v.value, 0);
let actualValue = 0;
for (const { day, value = 0 } of events) {
  if (day > CALIBRATION_END && day <= CALIBRATION_END + VALUE_DAYS) actualValue += value;
}
const valueByCustomer = new Map(values.map((v) => [v.customerId, v.value]));
const actualByCustomer = revenueBetween(events, CALIBRATION_END, CALIBRATION_END + VALUE_DAYS);
const valueMae = meanOf(
  calibration.map((c) =>
    Math.abs((valueByCustomer.get(c.customerId) ?? 0) - (actualByCustomer.get(c.customerId) ?? 0)),
  ),
);
console.log(`\n${VALUE_DAYS}-day value from 1997-10-01, undiscounted`);
console.log(
  `total predicted $${predictedValue.toFixed(0)}, actual $${actualValue.toFixed(0)} (${percent(predictedValue, actualValue)}); MAE per customer $${valueMae.toFixed(2)}`,
);

/** Mean spend per purchase day of each customer who bought in (afterDay, throughDay]. */
function spendPerPurchaseDay(all: readonly PurchaseEvent[], afterDay: number, throughDay: number) {
  const days = purchaseDaysBetween(all, afterDay, throughDay);
  const revenue = revenueBetween(all, afterDay, throughDay);
  return new Map([...days].map(([id, count]) => [id, (revenue.get(id) ?? 0) / count]));
}

function revenueBetween(all: readonly PurchaseEvent[], afterDay: number, throughDay: number) {
  const revenue = new Map<string, number>();
  for (const { customerId, day, value = 0 } of all) {
    if (day > afterDay && day <= throughDay) revenue.set(customerId, (revenue.get(customerId) ?? 0) + value);
  }
  return revenue;
}
