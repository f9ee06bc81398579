-- Products bought together in the year before the cut-off: for every pair of products in the
-- same receipt, how many receipts hold both, and how much more often than chance (lift). Pairs
-- seen in fewer than {{min_baskets}} receipts are left out as noise; the {{limit}} strongest
-- by lift are kept.
-- Portable Trino/DuckDB subset: CAST before dividing, DATE literals cast to TIMESTAMP.
WITH baskets AS (
  SELECT DISTINCT t.transaction_id, t.product_id
  FROM transactions t
  WHERE t.run_id = '{{run_id}}' AND t.quantity > 0
    AND t.month >= '{{year_from_month}}' AND t.month <= '{{as_of_month}}'
    AND t.ts >= CAST(DATE '{{year_from}}' AS TIMESTAMP) AND t.ts < CAST(DATE '{{as_of}}' AS TIMESTAMP)
),
receipts AS (
  -- Grouped rather than COUNT(DISTINCT …): DuckDB counts a distinct aggregate without groups on
  -- one thread, 2-3 s of the local feature build at a million customers.
  SELECT COUNT(*) AS n FROM (SELECT transaction_id FROM baskets GROUP BY transaction_id) r
),
product_baskets AS (
  SELECT product_id, COUNT(*) AS baskets FROM baskets GROUP BY product_id
),
pairs AS (
  SELECT a.product_id AS product_a, b.product_id AS product_b, COUNT(*) AS together
  FROM baskets a
  JOIN baskets b ON a.transaction_id = b.transaction_id AND a.product_id < b.product_id
  GROUP BY a.product_id, b.product_id
  HAVING COUNT(*) >= {{min_baskets}}
)
SELECT
  p.product_a,
  p.product_b,
  COALESCE(da.subcategory, da.category) AS label_a,
  COALESCE(db.subcategory, db.category) AS label_b,
  p.together,
  pa.baskets AS baskets_a,
  pb.baskets AS baskets_b,
  CAST(p.together AS DOUBLE) * r.n / (CAST(pa.baskets AS DOUBLE) * pb.baskets) AS lift,
  CAST(p.together AS DOUBLE) / pa.baskets AS confidence_a_to_b,
  CAST(p.together AS DOUBLE) / pb.baskets AS confidence_b_to_a
FROM pairs p
JOIN product_baskets pa ON pa.product_id = p.product_a
JOIN product_baskets pb ON pb.product_id = p.product_b
CROSS JOIN receipts r
LEFT JOIN products da ON da.product_id = p.product_a AND da.run_id = '{{run_id}}'
LEFT JOIN products db ON db.product_id = p.product_b AND db.run_id = '{{run_id}}'
ORDER BY lift DESC, p.together DESC, p.product_a, p.product_b
LIMIT {{limit}}
