-- Training snapshots: the customers at each of several cut-offs, with the features as of that
-- cut-off (from rows strictly before it) and the labels of the windows after it, NULL where the
-- data does not cover a window. One row per customer and cut-off: stacked, they make a training
-- set whose features never see the period their labels come from.
-- The customers are every k-th by id, k chosen so that about {{sample_customers}} remain (all of
-- them in a smaller batch): a systematic sample, the same on every engine and every rerun.
-- Portable Trino/DuckDB subset: windows as date_diff on DATEs, concat for text, CAST before
-- multiplying and dividing, mod() rather than %.
WITH cut_offs AS (
{{cut_off_rows}}
),
sampled_customers AS (
  SELECT customer_id
  FROM (
    SELECT
      c.customer_id,
      row_number() OVER (ORDER BY c.customer_id) AS position,
      count(*) OVER () AS customers
    FROM customers c
    WHERE c.run_id = '{{run_id}}'
  ) ranked
  WHERE mod(position - 1, CAST(ceil(CAST(customers AS DOUBLE) / {{sample_customers}}) AS BIGINT)) = 0
),
spine AS (
  SELECT concat(c.customer_id, '@', CAST(co.as_of AS VARCHAR)) AS spine_id, c.customer_id, co.as_of
  FROM sampled_customers c
  CROSS JOIN cut_offs co
),
{{feature_ctes}},
horizon AS (
  SELECT CAST(max(t.ts) AS DATE) AS last_day
  FROM transactions t
  WHERE t.run_id = '{{run_id}}'
),
after_cutoff AS (
  SELECT
    s.spine_id,
    count_if(t.quantity > 0
      AND date_diff('day', s.as_of, CAST(t.ts AS DATE)) < {{churn_days}}) AS purchases_churn_window,
    SUM(CASE WHEN date_diff('day', s.as_of, CAST(t.ts AS DATE)) < {{value_days}}
      THEN CAST(t.quantity AS DOUBLE) * t.unit_price - COALESCE(t.discount, 0) ELSE 0 END) AS value_window
  FROM spine s
  JOIN transactions t ON t.customer_id = s.customer_id
  WHERE t.run_id = '{{run_id}}' AND t.month >= '{{first_cut_off_month}}'
    AND t.ts >= CAST(s.as_of AS TIMESTAMP)
  GROUP BY s.spine_id
)
SELECT
  f.*,
  CASE
    WHEN date_diff('day', f.as_of, CAST(h.last_day AS DATE)) < {{churn_last_offset}} THEN NULL
    WHEN COALESCE(a.purchases_churn_window, 0) = 0 THEN 1
    ELSE 0
  END AS churned_90d,
  CASE
    WHEN date_diff('day', f.as_of, CAST(h.last_day AS DATE)) < {{value_last_offset}} THEN NULL
    ELSE COALESCE(a.value_window, 0)
  END AS value_180d
FROM features f
CROSS JOIN horizon h
LEFT JOIN after_cutoff a ON a.spine_id = f.spine_id
ORDER BY f.as_of, f.customer_id
