import { readFileSync } from 'node:fs';
import { priceTable } from '../../shared/domain/reporting/price-table';
import { campaignDefaults } from '../../shared/domain/runs/run-requests';
import { intakeLimits } from '../../shared/use-cases/intake/validate-file';

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../config/${file}`, import.meta.url), 'utf8'));
}

/**
 * Deployed settings from `config/`, validated before they reach any function: CDK passes them as
 * environment variables, and the local stack does the same.
 */
export function loadSettings() {
  return {
    campaignDefaults: campaignDefaults.parse(readJson('campaign-defaults.json')),
    intakeLimits: intakeLimits.parse(readJson('intake-limits.json')),
    priceTable: priceTable.parse(readJson('aws-prices.json')),
  };
}
export type Settings = ReturnType<typeof loadSettings>;
