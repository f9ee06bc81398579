-- Training labels of every customer at a cut-off: what happened in the windows after it.
-- churned_90d: no purchase from the cut-off until {{churn_end}}; value_180d: net revenue from the
-- cut-off until {{value_end}} (window ends exclusive, computed by the caller). A window the data
-- does not cover (the batch's last transaction day is before the window's last day) gives NULL,
-- never a label that only looks like churn.
-- Portable Trino/DuckDB subset: DATE literals cast to TIMESTAMP, CAST before multiplying.
WITH horizon AS (
  SELECT CAST(max(t.ts) AS DATE) AS last_day
  FROM transactions t
  WHERE t.run_id = '{{run_id}}'
),
after_cutoff AS (
  SELECT
    t.customer_id,
    count_if(t.quantity > 0 AND t.ts < CAST(DATE '{{churn_end}}' AS TIMESTAMP)) AS purchases_churn_window,
    SUM(CASE WHEN t.ts < CAST(DATE '{{value_end}}' AS TIMESTAMP)
      THEN CAST(t.quantity AS DOUBLE) * t.unit_price - COALESCE(t.discount, 0) ELSE 0 END) AS value_window
  FROM transactions t
  WHERE t.run_id = '{{run_id}}' AND t.customer_id IS NOT NULL
    AND t.month >= '{{as_of_month}}' AND t.month <= '{{value_end_month}}'
    AND t.ts >= CAST(DATE '{{as_of}}' AS TIMESTAMP)
  GROUP BY t.customer_id
)
SELECT
  c.customer_id,
  CASE
    WHEN h.last_day < DATE '{{churn_last}}' THEN NULL
    WHEN COALESCE(a.purchases_churn_window, 0) = 0 THEN 1
    ELSE 0
  END AS churned_90d,
  CASE
    WHEN h.last_day < DATE '{{value_last}}' THEN NULL
    ELSE COALESCE(a.value_window, 0)
  END AS value_180d
FROM customers c
CROSS JOIN horizon h
LEFT JOIN after_cutoff a ON a.customer_id = c.customer_id
WHERE c.run_id = '{{run_id}}'
ORDER BY c.customer_id
