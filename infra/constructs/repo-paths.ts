import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found from this module rather than the working directory, so `cdk synth`,
 * vitest and an IDE all resolve handler entries, the ASL file and the layer build the same way.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function fromRoot(relative: string): string {
  return join(REPO_ROOT, relative);
}
