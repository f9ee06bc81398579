import { describe, expect, it } from 'vitest';
import { batchQualityReport, buildBatchQualityReport } from '#shared/domain/quality/report';
import { col, profileOf, utc } from './fixtures';

const txColumns = [col('ts', 'timestamp'), col('unit_price', 'double')];
const customerColumns = [col('signup_date', 'date'), col('branch', 'string')];
const days = Array.from({ length: 10 }, (_, i) => i);

/** Ten transactions on 2026-02-11 … 2026-02-20 at 10:00, priced from `firstPrice` up. */
function transactions(firstPrice: number) {
  return profileOf(
    'transactions',
    txColumns,
    days.map((i) => ({ ts: utc(2026, 2, 11 + i, 10), unit_price: firstPrice + i })),
  );
}

function customers(emptyBranches: number) {
  return profileOf(
    'customers',
    customerColumns,
    days.map((i) => ({ signup_date: '2026-02-10', branch: i < emptyBranches ? null : 'B1' })),
  );
}

const files = [
  {
    dataset: 'transactions' as const,
    key: 'transactions.csv',
    rowsIn: 100,
    accepted: 88,
    rejected: 12,
    quarantine: { bucket: 'lake', key: 'quarantine/acme/b1/run-2/transactions.jsonl' },
    flagged: 3,
    flags: { bucket: 'lake', key: 'quarantine/acme/b1/run-2/flagged/transactions.jsonl' },
    exceptions: [
      { rule: 'iso_timestamp', column: 'ts', outcome: 'rejected' as const, rows: 12, firstLine: 7 },
      {
        rule: 'return_without_purchase',
        column: 'quantity',
        outcome: 'flagged' as const,
        rows: 3,
        firstLine: 40,
      },
    ],
  },
  { dataset: 'customers' as const, key: 'customers.csv', rowsIn: 50, accepted: 49, rejected: 1 },
];

const base = {
  runId: 'run-2',
  partner: 'acme',
  batchId: 'b1',
  asOf: '2026-03-01',
  receivedAt: new Date('2026-03-01T06:00:00Z'),
  generatedAt: new Date('2026-03-01T06:05:00Z'),
};

describe('buildBatchQualityReport', () => {
  const report = buildBatchQualityReport({
    ...base,
    files,
    profiles: [transactions(100), customers(6)],
    reference: { runId: 'run-1', datasets: [transactions(1), customers(1)] },
  });

  it('assembles a valid, JSON-serialisable report', () => {
    expect(batchQualityReport.parse(report)).toEqual(report);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report).toMatchObject({
      runId: 'run-2',
      partner: 'acme',
      batchId: 'b1',
      asOf: '2026-03-01',
      receivedAt: '2026-03-01T06:00:00.000Z',
      generatedAt: '2026-03-01T06:05:00.000Z',
    });
    expect(report.datasets.map((d) => d.dataset)).toEqual(['transactions', 'customers']);
  });

  it('accounts for every file with its rejection rate, quarantine, flags and exceptions', () => {
    expect(report.files).toEqual([
      {
        dataset: 'transactions',
        key: 'transactions.csv',
        rowsIn: 100,
        accepted: 88,
        rejected: 12,
        rejectionRate: 0.12,
        quarantineKey: 'quarantine/acme/b1/run-2/transactions.jsonl',
        flagged: 3,
        flagsKey: 'quarantine/acme/b1/run-2/flagged/transactions.jsonl',
        exceptions: files[0]?.exceptions,
      },
      {
        dataset: 'customers',
        key: 'customers.csv',
        rowsIn: 50,
        accepted: 49,
        rejected: 1,
        rejectionRate: 0.02,
        quarantineKey: null,
        flagged: 0,
        flagsKey: null,
        exceptions: [],
      },
    ]);
  });

  it('measures drift against the reference run', () => {
    expect(report.drift?.againstRunId).toBe('run-1');
    expect(report.drift?.againstAsOf).toBeNull();
    const psi = Object.fromEntries(
      report.drift?.columns.map((c) => [`${c.dataset}.${c.column}`, c.psi]) ?? [],
    );
    // Prices 100-109 all land in the reference's open top bin (> 9):
    // 9 × (1e-4 − 0.1) ln(1e-4 / 0.1) + (1 − 0.1) ln(1 / 0.1) = 6.2107627 + 2.0723266
    expect(psi['transactions.unit_price']).toBeCloseTo(8.2830893, 5);
    expect(psi['transactions.ts']).toBe(0);
    expect(psi['customers.branch']).toBe(0);
  });

  it('judges freshness', () => {
    expect(report.freshness.map((f) => [f.dataset, f.daysBeforeAsOf, f.verdict])).toEqual([
      ['transactions', 9, 'stale'],
      ['customers', 19, 'fresh'],
    ]);
  });

  it('says what stands out, problems first', () => {
    expect(report.summary).toEqual([
      'transactions.csv (transactions): 12 of 100 rows rejected (12 %).',
      'transactions.csv (transactions): 3 rows accepted but flagged (return without purchase); see quarantine/acme/b1/run-2/flagged/transactions.jsonl.',
      'transactions looks stale: the latest ts (2026-02-20T10:00:00) is 9 days before as-of 2026-03-01, more than the 7 allowed.',
      'transactions shifted significantly since run run-1: unit_price (PSI 8.283).',
      'customers has emptier columns than run run-1: branch (60 %, was 10 %).',
      'customers: more than 50 % empty in branch (60 %).',
    ]);
  });

  it('compares dates relative to each as-of when the reference has one', () => {
    // The same ten days, a week later: as-is that is drift in ts, relative to as-of it is not.
    const later = profileOf(
      'transactions',
      txColumns,
      days.map((i) => ({ ts: utc(2026, 2, 18 + i, 10), unit_price: 1 + i })),
    );
    const drifted = (reference: { runId: string; asOf?: string }) =>
      buildBatchQualityReport({
        ...base,
        asOf: '2026-03-08',
        files: [],
        profiles: [later],
        reference: { ...reference, datasets: [transactions(1)] },
      }).drift?.columns.find((c) => c.column === 'ts');
    expect(drifted({ runId: 'run-1' })?.verdict).toBe('significant');
    expect(drifted({ runId: 'run-1', asOf: '2026-03-01' })?.psi).toBe(0);
  });

  it('takes thresholds', () => {
    const lenient = buildBatchQualityReport({
      ...base,
      files,
      profiles: [transactions(100), customers(6)],
      thresholds: { rejectionRate: 0.2, nullRate: 0.7 },
      freshness: { staleAfterDays: { transactions: 10 } },
    });
    expect(lenient.drift).toBeNull();
    expect(lenient.thresholds).toEqual({ nullRate: 0.7, nullRateIncrease: 0.1, rejectionRate: 0.2 });
    const quiet = buildBatchQualityReport({
      ...base,
      files: files.map(({ flagged, flags, exceptions, ...rest }) => rest),
      profiles: [transactions(100), customers(6)],
      thresholds: { rejectionRate: 0.2, nullRate: 0.7 },
      freshness: { staleAfterDays: { transactions: 10 } },
    });
    expect(quiet.summary).toEqual(['Nothing stands out: 2 datasets, 20 rows accepted.']);
    // Flagged rows are always mentioned: no threshold hides them.
    expect(lenient.summary).toEqual([
      'transactions.csv (transactions): 3 rows accepted but flagged (return without purchase); see quarantine/acme/b1/run-2/flagged/transactions.jsonl.',
    ]);
  });

  it('lists at most five names in a sentence', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const empty = profileOf(
      'offers',
      names.map((n) => col(n, 'string')),
      [{}],
    );
    const { summary } = buildBatchQualityReport({ ...base, files: [], profiles: [empty] });
    expect(summary).toEqual([
      'offers: more than 50 % empty in a (100 %), b (100 %), c (100 %), d (100 %), e (100 %) and 2 more.',
    ]);
  });

  it('names new and missing datasets and columns', () => {
    const { summary } = buildBatchQualityReport({
      ...base,
      asOf: '2026-02-21',
      files: [],
      profiles: [transactions(1), profileOf('offers', [col('pct', 'double')], [{ pct: 5 }])],
      reference: {
        runId: 'run-1',
        datasets: [
          profileOf(
            'transactions',
            [...txColumns, col('branch', 'string')],
            [{ ts: utc(2026, 2, 11), unit_price: 1, branch: 'x' }],
          ),
          profileOf('products', [col('price', 'double')], [{ price: 1 }]),
        ],
      },
    });
    expect(summary).toEqual(
      expect.arrayContaining([
        'transactions lacks columns run run-1 had: branch.',
        'offers is new since run run-1.',
        'products was in run run-1 but not in this batch.',
      ]),
    );
  });
});
