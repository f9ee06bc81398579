import { describe, expect, it } from 'vitest';
import { expectedPurchases, probabilityAlive } from '#shared/domain/clv/bg-nbd';
import { customerValue } from '#shared/domain/clv/customer-value';
import { InvalidHistoryError } from '#shared/domain/clv/errors';
import { expectedAverageSpend } from '#shared/domain/clv/gamma-gamma';

const purchases = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const spend = { p: 6.25, q: 3.74, v: 15.44 };
const customer = { customerId: 'c1', frequency: 3, recency: 30, T: 38, monetary: 42 };

describe('customerValue', () => {
  it('is the expected purchases in 180 days times the expected spend, undiscounted by default', () => {
    const value = customerValue(purchases, spend, customer);
    const expectedCount = expectedPurchases(purchases, customer, 180 / 7);
    expect(value.expectedPurchases).toBeCloseTo(expectedCount, 14);
    expect(value.expectedSpend).toBeCloseTo(expectedAverageSpend(spend, customer), 14);
    expect(value.value).toBeCloseTo(expectedCount * value.expectedSpend, 12);
    expect(value.probabilityAlive).toBe(probabilityAlive(purchases, customer));
  });

  it('reads the horizon in days whatever the model’s period', () => {
    const inDays = { ...customer, recency: 210, T: 266 };
    const byDay = { ...purchases, alpha: purchases.alpha * 7 };
    const weekly = customerValue(purchases, spend, customer);
    expect(customerValue(byDay, spend, inDays, { periodDays: 1 }).value).toBeCloseTo(weekly.value, 9);
  });

  it('discounts later months, and a zero rate changes nothing', () => {
    const plain = customerValue(purchases, spend, customer).value;
    expect(customerValue(purchases, spend, customer, { monthlyDiscountRate: 0 }).value).toBe(plain);
    const discounted = customerValue(purchases, spend, customer, { monthlyDiscountRate: 0.01 }).value;
    expect(discounted).toBeLessThan(plain);
    // Six months at 1 %: at most the whole value discounted by one month, at least by six.
    expect(discounted).toBeLessThan(plain / 1.01);
    expect(discounted).toBeGreaterThan(plain / 1.01 ** 6);
  });

  it('is worth nothing over no time, and more for a loyal customer than for a lapsed one', () => {
    expect(customerValue(purchases, spend, customer, { horizonDays: 0 }).value).toBe(0);
    const lapsed = { ...customer, recency: 5 };
    expect(customerValue(purchases, spend, customer).value).toBeGreaterThan(
      customerValue(purchases, spend, lapsed).value,
    );
  });

  it('throws InvalidHistoryError on a negative horizon or rate', () => {
    expect(() => customerValue(purchases, spend, customer, { horizonDays: -1 })).toThrow(InvalidHistoryError);
    expect(() => customerValue(purchases, spend, customer, { monthlyDiscountRate: -0.1 })).toThrow(
      InvalidHistoryError,
    );
  });
});
