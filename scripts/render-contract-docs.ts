/**
 * Rewrites docs/data-contracts.md from the zod contracts: `npm run docs:contracts`.
 */
import { writeFileSync } from 'node:fs';
import { describeContracts } from '../shared/domain/contracts/describe-contracts';

const target = new URL('../docs/data-contracts.md', import.meta.url);
writeFileSync(target, describeContracts());
console.log(`wrote ${target.pathname}`);
