import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The team's real public datasets: $CAMPAIGN_DATA_DIR, or ../shared/data beside the project. */
export const REAL_DATA_DIR = resolve(
  process.env.CAMPAIGN_DATA_DIR ?? resolve(import.meta.dirname, '../../../shared/data'),
);

/**
 * The path of a file in the real datasets, or undefined (with a warning naming what is missing)
 * when it is absent, for `it.skipIf`.
 */
export function realDataFile(relativePath: string, usedBy: string): string | undefined {
  const path = join(REAL_DATA_DIR, relativePath);
  if (existsSync(path)) return path;
  console.warn(`${usedBy} skipped: no ${path} (set CAMPAIGN_DATA_DIR to the shared data folder)`);
  return undefined;
}
