-- Branch and store performance as of the cut-off, for operations: net revenue and active
-- customers over the last 90 days against the 90 before (the trend), and how the branch's
-- customers (by their home branch on file) responded to campaigns in the last 365 days, treated
-- against control, within the response window.
-- Portable Trino/DuckDB subset: CAST before dividing, DATE literals cast to TIMESTAMP.
WITH sales AS (
  SELECT
    t.branch,
    SUM(CASE WHEN t.ts >= CAST(DATE '{{recent_from}}' AS TIMESTAMP)
      THEN CAST(t.quantity AS DOUBLE) * t.unit_price - COALESCE(t.discount, 0) ELSE 0 END) AS revenue_90,
    SUM(CASE WHEN t.ts < CAST(DATE '{{recent_from}}' AS TIMESTAMP)
      THEN CAST(t.quantity AS DOUBLE) * t.unit_price - COALESCE(t.discount, 0) ELSE 0 END) AS revenue_prev_90,
    COUNT(DISTINCT CASE WHEN t.quantity > 0 AND t.ts >= CAST(DATE '{{recent_from}}' AS TIMESTAMP) THEN t.customer_id END) AS active_customers_90,
    COUNT(DISTINCT CASE WHEN t.quantity > 0 AND t.ts < CAST(DATE '{{recent_from}}' AS TIMESTAMP) THEN t.customer_id END) AS active_customers_prev_90
  FROM transactions t
  WHERE t.run_id = '{{run_id}}' AND t.branch IS NOT NULL
    AND t.month >= '{{previous_from_month}}' AND t.month <= '{{as_of_month}}'
    AND t.ts >= CAST(DATE '{{previous_from}}' AS TIMESTAMP) AND t.ts < CAST(DATE '{{as_of}}' AS TIMESTAMP)
  GROUP BY t.branch
),
responses_by_branch AS (
  SELECT
    c.branch,
    count_if(k."group" = 'treatment') AS treated_contacts,
    count_if(k."group" = 'treatment' AND r.converted_at >= k.sent_at
      AND r.converted_at < k.sent_at + INTERVAL '{{response_window_days}}' DAY) AS treated_conversions,
    count_if(k."group" = 'control') AS control_contacts,
    count_if(k."group" = 'control' AND r.converted_at >= k.sent_at
      AND r.converted_at < k.sent_at + INTERVAL '{{response_window_days}}' DAY) AS control_conversions
  FROM contacts k
  JOIN customers c ON c.customer_id = k.customer_id AND c.run_id = '{{run_id}}'
  LEFT JOIN responses r ON r.contact_id = k.contact_id AND r.run_id = '{{run_id}}'
  WHERE k.run_id = '{{run_id}}' AND c.branch IS NOT NULL
    AND k.sent_at >= CAST(DATE '{{year_from}}' AS TIMESTAMP) AND k.sent_at < CAST(DATE '{{as_of}}' AS TIMESTAMP)
  GROUP BY c.branch
),
branches AS (
  SELECT branch FROM sales
  UNION
  SELECT branch FROM responses_by_branch
)
SELECT
  b.branch,
  COALESCE(s.revenue_90, 0) AS revenue_90,
  COALESCE(s.revenue_prev_90, 0) AS revenue_prev_90,
  COALESCE(s.revenue_90, 0) - COALESCE(s.revenue_prev_90, 0) AS revenue_trend_90,
  COALESCE(s.active_customers_90, 0) AS active_customers_90,
  COALESCE(s.active_customers_prev_90, 0) AS active_customers_prev_90,
  COALESCE(rb.treated_contacts, 0) AS treated_contacts_365,
  CASE WHEN rb.treated_contacts > 0 THEN CAST(rb.treated_conversions AS DOUBLE) / rb.treated_contacts END AS treated_response_rate,
  CASE WHEN rb.control_contacts > 0 THEN CAST(rb.control_conversions AS DOUBLE) / rb.control_contacts END AS control_response_rate
FROM branches b
LEFT JOIN sales s ON s.branch = b.branch
LEFT JOIN responses_by_branch rb ON rb.branch = b.branch
ORDER BY b.branch
