import { describe, expect, it } from 'vitest';
import { trainChurnModel } from '#shared/domain/churn/churn-model';
import { stratifiedKFold, takeRows } from '#shared/domain/model-eval/cross-validation';
import {
  CHURN_CUTOFF,
  churnLabels,
  customerFeatures,
  isCustomerPurchase,
  type RetailLine,
} from '#shared/domain/model-eval/online-retail-protocol';
import { rocAuc } from '#shared/domain/scoring/metrics';
import { CHURN_OPTIONS, readOnlineRetailLines } from '../../scripts/eval/online-retail';
import { realDataFile } from '../support/real-data';

const path = realDataFile('online_retail/online_retail.csv.gz', 'online retail model tests');

describe('churn and value protocol on UCI Online Retail', () => {
  let raw: RetailLine[] = [];
  const lines = () => {
    if (raw.length === 0 && path !== undefined) raw = readOnlineRetailLines(path);
    return raw;
  };

  it.skipIf(!path)('cleans to the documented line and customer counts', () => {
    const purchases = lines().filter(isCustomerPurchase);
    // The data README's canonical count: customer purchases, not cancelled.
    expect(purchases).toHaveLength(397_924);
    expect(new Set(purchases.map((l) => l.customerId)).size).toBe(4_339);
    // The protocol also drops the 40 zero-price lines, the only lines of one customer.
    const clean = purchases.filter((l) => l.unitPrice > 0);
    expect(clean).toHaveLength(397_884);
    expect(new Set(clean.map((l) => l.customerId)).size).toBe(4_338);
  });

  it.skipIf(!path)('a quick churn fit on one fold ranks held-out customers with AUC above 0.65', async () => {
    const clean = lines().filter((l) => isCustomerPurchase(l) && l.unitPrice > 0);
    const { customerIds, features, featureNames } = customerFeatures(clean, CHURN_CUTOFF);
    const labels = churnLabels(clean, customerIds, CHURN_CUTOFF);
    const width = featureNames.length;
    const [fold] = stratifiedKFold(labels, 5, 42);
    if (fold === undefined) throw new Error('no fold');
    const { model } = await trainChurnModel(
      {
        rows: fold.train.length,
        featureCount: width,
        features: takeRows(features, width, fold.train),
        label: Uint8Array.from(fold.train, (r) => labels[r] as number),
      },
      { ...CHURN_OPTIONS, seed: 42, members: 2 },
    );
    try {
      const probability = model.predict(takeRows(features, width, fold.test), fold.test.length);
      expect(
        rocAuc(
          probability,
          Uint8Array.from(fold.test, (r) => labels[r] as number),
        ),
      ).toBeGreaterThan(0.65);
    } finally {
      model.dispose();
    }
  });
});
