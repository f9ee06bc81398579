import { describe, expect, it } from 'vitest';
import { ModelEvalError } from '#shared/domain/model-eval/errors';
import {
  CHURN_CUTOFF,
  churnLabels,
  cleanRetailLines,
  customerFeatures,
  FEATURE_NAMES,
  futureRevenue,
  parseOnlineRetail,
  parseRetailMinute,
} from '#shared/domain/model-eval/online-retail-protocol';

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
const CSV = [
  HEADER,
  // Customer 1: two invoices before the cut-off (2011-09-10), one after.
  '1001,A,"MUG, RED",2,2011-06-12 10:00:00,5.0,1.0,United Kingdom',
  '1001,B,PLATE,1,2011-06-12 10:00:00,10.0,1.0,United Kingdom',
  '1002,A,"MUG, RED",4,2011-08-31 12:00:00,5.0,1.0,United Kingdom',
  '1003,C,BOWL,1,2011-10-01 09:00:00,99.0,1.0,United Kingdom',
  // Customer 2: one invoice before, nothing after; a cancellation, a return and a free line ignored.
  '1004,A,"MUG, RED",3,2011-09-09 23:59:00,5.0,2.0,France',
  'C1005,A,"MUG, RED",1,2011-10-02 09:00:00,5.0,2.0,France',
  '1006,A,"MUG, RED",-1,2011-10-03 09:00:00,5.0,2.0,France',
  '1007,D,SAMPLE,1,2011-10-04 09:00:00,0,2.0,France',
  // No customer: dropped.
  '1008,A,"MUG, RED",1,2011-05-01 09:00:00,5.0,,United Kingdom',
].join('\n');

const feature = (f: ReturnType<typeof customerFeatures>, id: string, name: string) =>
  f.features[f.customerIds.indexOf(id) * FEATURE_NAMES.length + FEATURE_NAMES.indexOf(name)];

describe('parseOnlineRetail', () => {
  it('reads quoted descriptions, minutes and float-written customer ids', () => {
    const lines = parseOnlineRetail(CSV);
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatchObject({
      invoiceNo: '1001',
      stockCode: 'A',
      quantity: 2,
      unitPrice: 5,
      customerId: '1',
    });
    expect(lines[0]?.minute).toBe(parseRetailMinute('2011-06-12 10:00:00'));
    expect(
      (parseRetailMinute('2011-06-13 10:00') ?? 0) - (parseRetailMinute('2011-06-12 10:00:00') ?? 0),
    ).toBe(1440);
  });

  it('names the line of an unreadable number and rejects a foreign header', () => {
    expect(() => parseOnlineRetail(`${HEADER}\n1,A,X,two,2011-01-01 00:00:00,1,1.0,UK`)).toThrow(/line 2/);
    expect(() => parseOnlineRetail('a,b,c\n1,2,3')).toThrow(ModelEvalError);
  });
});

describe('the protocol on hand-written lines', () => {
  const clean = cleanRetailLines(parseOnlineRetail(CSV));

  it('keeps customer purchases at a positive price only', () => {
    expect(clean.map((l) => l.invoiceNo)).toEqual(['1001', '1001', '1002', '1003', '1004']);
  });

  it('computes point-in-time features from lines before the cut-off', () => {
    const f = customerFeatures(clean, CHURN_CUTOFF);
    expect(f.customerIds).toEqual(['1', '2']);
    // Customer 1: invoices of £20 (06-12) and £20 (08-31); the £99 of 10-01 is after the cut-off.
    expect(feature(f, '1', 'frequency')).toBe(2);
    expect(feature(f, '1', 'monetary')).toBe(40);
    expect(feature(f, '1', 'recency_days')).toBeCloseTo(10 - 0.5, 5);
    expect(feature(f, '1', 'tenure_days')).toBeCloseTo(90 - 10 / 24, 5);
    expect(feature(f, '1', 'frequency_30d')).toBe(1);
    expect(feature(f, '1', 'frequency_90d')).toBe(2);
    expect(feature(f, '1', 'interpurchase_mean_days')).toBe(80);
    expect(feature(f, '1', 'distinct_products')).toBe(2);
    expect(feature(f, '1', 'basket_value_mean')).toBe(20);
    expect(feature(f, '1', 'country_uk')).toBe(1);
    // Customer 2: one purchase a minute before the cut-off.
    expect(feature(f, '2', 'recency_days')).toBeCloseTo(1 / 1440, 5);
    expect(feature(f, '2', 'monetary')).toBe(15);
    expect(feature(f, '2', 'country_uk')).toBe(0);
  });

  it('ignores any line at or after the cut-off', () => {
    const base = customerFeatures(clean, CHURN_CUTOFF);
    const later = parseOnlineRetail(
      [
        HEADER,
        '2001,Z,NEW,100,2011-09-10 00:00:00,50.0,1.0,United Kingdom',
        '2002,Z,NEW,1,2011-11-01 00:00:00,1.0,3.0,Spain',
      ].join('\n'),
    );
    const moved = customerFeatures([...clean, ...later], CHURN_CUTOFF);
    expect(moved.customerIds).toEqual(base.customerIds);
    expect(moved.features).toEqual(base.features);
  });

  it('labels churn and future revenue over [cut-off, 2011-12-10)', () => {
    const ids = ['1', '2'];
    expect(Array.from(churnLabels(clean, ids, CHURN_CUTOFF))).toEqual([0, 1]);
    expect(Array.from(futureRevenue(clean, ids, CHURN_CUTOFF))).toEqual([99, 0]);
  });
});
