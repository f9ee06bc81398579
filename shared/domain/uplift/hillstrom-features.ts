import { CHANNELS, type HillstromRow, ZIP_CODES } from './hillstrom-format';

/** The model inputs built from a Hillstrom row, in column order. */
export const HILLSTROM_FEATURES = [
  'recency',
  // Last year's spend is heavy-tailed ($30 .. $3,345): on a log scale a linear model can use it.
  'log1p_history',
  'history_band',
  'mens',
  'womens',
  'newbie',
  ...ZIP_CODES.map((zip) => `zip_${zip.toLowerCase()}`),
  ...CHANNELS.map((channel) => `channel_${channel.toLowerCase()}`),
] as const;

/** Row-major matrix of customers × features, unscaled (the models standardise on their training rows). */
export interface FeatureMatrix {
  rows: number;
  featureCount: number;
  features: Float32Array;
}

/**
 * Encodes the customers' pre-treatment attributes (never the arm nor an outcome): numbers as they
 * are, categories one-hot with every level kept, since the models are regularised rather than relying
 * on a dropped reference level.
 */
export function hillstromFeatureMatrix(rows: readonly HillstromRow[]): FeatureMatrix {
  const featureCount = HILLSTROM_FEATURES.length;
  const features = new Float32Array(rows.length * featureCount);
  rows.forEach((row, i) => {
    const values = [
      row.recency,
      Math.log1p(row.history),
      row.historyBand,
      row.mens,
      row.womens,
      row.newbie,
      ...ZIP_CODES.map((zip) => (row.zipCode === zip ? 1 : 0)),
      ...CHANNELS.map((channel) => (row.channel === channel ? 1 : 0)),
    ];
    features.set(values, i * featureCount);
  });
  return { rows: rows.length, featureCount, features };
}
