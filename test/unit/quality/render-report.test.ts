import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '#shared/domain/quality/html';
import { renderQualityReportHtml } from '#shared/domain/quality/render-report';
import { buildBatchQualityReport } from '#shared/domain/quality/report';
import { col, profileOf, utc } from './fixtures';

const EVIL = '<script>alert("x")</script>';
const EVIL_COLUMN = '<img src=x onerror=alert(1)>';

const txColumns = [
  col('ts', 'timestamp'),
  col('unit_price', 'double'),
  col('note', 'string'),
  col(EVIL_COLUMN, 'int'),
];
const customerColumns = [col('signup_date', 'date'), col('consent_sms', 'boolean')];

function transactions(firstPrice: number) {
  return profileOf(
    'transactions',
    txColumns,
    Array.from({ length: 40 }, (_, i) => ({
      ts: utc(2026, 1 + (i % 2), 1 + i / 2, 9),
      unit_price: firstPrice + i,
      note: i % 4 === 0 ? EVIL : `note ${i % 3}`,
      [EVIL_COLUMN]: i,
    })),
  );
}

const customers = profileOf(
  'customers',
  customerColumns,
  Array.from({ length: 12 }, (_, i) => ({
    signup_date: `2025-${String(i + 1).padStart(2, '0')}-01`,
    consent_sms: i % 3 === 0 ? null : i % 2 === 0,
  })),
);

function report(withReference: boolean) {
  return buildBatchQualityReport({
    runId: 'run-2',
    partner: 'acme',
    batchId: `b1${EVIL}`,
    asOf: '2026-03-01',
    receivedAt: new Date('2026-03-01T06:00:00Z'),
    generatedAt: new Date('2026-03-01T06:05:00Z'),
    files: [
      {
        dataset: 'transactions',
        key: `tx${EVIL}.csv`,
        rowsIn: 50,
        accepted: 40,
        rejected: 10,
        quarantine: { bucket: 'b', key: 'quarantine/tx.jsonl' },
        flagged: 2,
        flags: { bucket: 'b', key: 'quarantine/flagged/tx.jsonl' },
        exceptions: [
          { rule: 'iso_timestamp', column: 'ts', outcome: 'rejected', rows: 10, firstLine: 3 },
          { rule: 'return_without_purchase', column: 'quantity', outcome: 'flagged', rows: 2, firstLine: 9 },
        ],
      },
      { dataset: 'customers', key: 'customers.csv', rowsIn: 12, accepted: 12, rejected: 0 },
    ],
    profiles: [transactions(100), customers],
    reference: withReference ? { runId: 'run-1', datasets: [transactions(1), customers] } : null,
  });
}

describe('html template', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('escapes interpolations, keeps nested templates, flattens arrays and drops empties', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${['<', html`<br>`]}${null}${undefined}${false}${3}</p>`.text).toBe(
      '<p><b>&lt;i&gt;</b>&lt;<br>3</p>',
    );
  });
});

describe('renderQualityReportHtml', () => {
  const page = renderQualityReportHtml(report(true));

  it('escapes every partner-supplied text', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('is self-contained', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toMatch(/<link|<img|<iframe|<script/i);
    // Escaped partner text may say src=, but no tag may have the attribute.
    const tags = page.replace(/"[^"]*"/g, '""').match(/<[a-z][^<>]*>/gi) ?? [];
    expect(tags.length).toBeGreaterThan(100);
    expect(tags.filter((tag) => /\s(src|href)=""/.test(tag) && !tag.startsWith('<a '))).toEqual([]);
    // Links only jump within the page.
    expect([...page.matchAll(/href="([^"]*)"/g)].filter(([, target]) => !target?.startsWith('#'))).toEqual(
      [],
    );
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('shows each dataset and each of its columns', () => {
    for (const [dataset, columns] of [
      ['transactions', txColumns],
      ['customers', customerColumns],
    ] as const) {
      expect(page).toContain(`<section class="dataset" id="dataset-${dataset}">\n<h3>${dataset}</h3>`);
      for (const c of columns)
        expect(page).toContain(`<h4>${escapeHtml(c.name)} <span class="badge">${c.storage}</span></h4>`);
    }
  });

  it('draws the charts as inline SVG', () => {
    expect(page).toContain('aria-label="Accepted and rejected rows per file"');
    expect(page).toContain('aria-label="Share of empty values per column of customers"');
    expect(page).toContain('aria-label="Spread of unit_price"');
    expect(page).toContain('aria-label="Values of ts per month"');
    expect(page).toContain('aria-label="Most frequent values of note"');
    expect(page).toContain('aria-label="Population stability index per column of transactions"');
    // unit_price moved from 1-40 to 100-139: its PSI bar is coloured as a significant shift
    expect(page).toMatch(/<rect class="bad"[^>]*><title>unit_price: PSI [\d.]+, significant<\/title>/);
  });

  it('lists the summary sentences', () => {
    for (const sentence of report(true).summary) expect(page).toContain(`<li>${escapeHtml(sentence)}</li>`);
  });

  it('lists the exceptions by rule with the file that holds their rows', () => {
    expect(page).toContain('<h3>Exceptions by rule</h3>');
    expect(page).toContain(
      '<td>iso_timestamp</td><td>ts</td><td><span class="badge bad">rejected</span></td><td class="num">10</td><td class="num">3</td><td>quarantine/tx.jsonl</td>',
    );
    expect(page).toContain(
      '<td>return_without_purchase</td><td>quantity</td><td><span class="badge warn">flagged</span></td><td class="num">2</td><td class="num">9</td><td>quarantine/flagged/tx.jsonl</td>',
    );
    const clean = renderQualityReportHtml({ ...report(false), files: [] });
    expect(clean).not.toContain('Exceptions by rule');
  });

  it('says when there is nothing to compare with', () => {
    expect(renderQualityReportHtml(report(false))).toContain('No earlier run to compare with.');
  });
});
