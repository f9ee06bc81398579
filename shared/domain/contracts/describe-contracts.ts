import { flagRulesOf } from '../intake/batch-rules';
import { eventTimesOf, LOCAL_TIME_TOLERANCE_MILLIS } from '../intake/event-times';
import { identityOf, referencesOf } from '../intake/references';
import { athenaType, lakeTableOf } from '../lake/catalog';
import { contractFor, DATASET_NAMES, REQUIRED_DATASETS } from './datasets';

const escapePipes = (text: string) => text.replace(/\|/g, '\\|');

/**
 * The data contracts as Markdown, rendered from the zod contracts themselves, so the document a
 * partner reads cannot drift from what validation enforces. `docs/data-contracts.md` is this
 * output; a test keeps it current (`npm run docs:contracts` rewrites it).
 */
export function describeContracts(): string {
  const lines: string[] = [
    '# Data contracts',
    '',
    '<!-- Generated from shared/domain/contracts by `npm run docs:contracts`; do not edit by hand. -->',
    '',
    'A batch is the files under `incoming/{partner}/{batchId}/` in the landing bucket plus its',
    '`manifest.json`, uploaded last. Every row of every file is checked against its contract: a row',
    'that breaks a rule goes to quarantine with its line, column, value and rule, and is counted, so',
    'for every file rows in = rows accepted + rows rejected. A file that cannot be read at all (no',
    'header, a missing required column, a broken quote, a wrong checksum or row count, or too many',
    'refused rows) fails the batch with that reason. Some rules only flag a row: it is kept, counted',
    'as flagged and listed beside the quarantine (`flagged/{dataset}.jsonl`).',
    '',
    `Every batch carries: ${REQUIRED_DATASETS.map((d) => `\`${d}\``).join(', ')}. A mapping may derive several`,
    'of them from one export (see `mappings/`).',
    '',
    'Values: empty means missing; dates are `YYYY-MM-DD`; timestamps ISO 8601 without an offset are',
    'local time; decimals use a dot (a mapping converts a decimal comma); booleans are true/false,',
    '1/0 or yes/no. Text that looks like a spreadsheet formula is stored as text and never evaluated;',
    'CSV exports prefix it with a quote.',
    '',
  ];
  for (const name of DATASET_NAMES) {
    const contract = contractFor(name);
    lines.push(`## ${name} (version ${contract.version})`, '', contract.description, '');
    lines.push(
      '| column | required | type in the lake | what a valid value is | notes |',
      '|---|---|---|---|---|',
    );
    for (const c of contract.columns) {
      lines.push(
        `| \`${c.name}\` | ${c.required ? 'yes' : 'no'} | ${athenaType[c.storage]} | ${escapePipes(c.constraint)} | ${escapePipes(c.description)} |`,
      );
    }
    const rules = [
      ...(identityOf(name)
        ? [`\`${identityOf(name)}\` is unique in the batch (rule \`duplicate_id\`).`]
        : []),
      ...referencesOf(name).map(
        (r) => `\`${r.column}\`, when present, must exist in \`${r.target}\` (rule \`${r.rule}\`).`,
      ),
      ...contract.rowRules.map((r) => `\`${r.column}\`: ${r.message} (rule \`${r.rule}\`).`),
      ...eventTimesOf(name).map(
        (c) =>
          `\`${c}\`, when present, is not later than the batch's receipt (${LOCAL_TIME_TOLERANCE_MILLIS / 3_600_000} h allowed for local times) nor before 1970 (rules \`future_timestamp\`, \`before_1970\`).`,
      ),
      ...flagRulesOf(name).map((r) => `\`${r.column}\`: ${r.text} (flag \`${r.rule}\`).`),
    ];
    if (rules.length > 0)
      lines.push('', 'Rules across columns and files:', '', ...rules.map((r) => `- ${r}`));
    const monthOf = lakeTableOf(name).monthOf;
    if (monthOf)
      lines.push(
        '',
        `Curated by run and by month of \`${monthOf}\`: \`curated/${name}/run_id=…/month=YYYY-MM/\`.`,
      );
    lines.push('', `Example: [examples/${name}.csv](examples/${name}.csv)`, '');
  }
  return `${lines.join('\n')}`;
}
