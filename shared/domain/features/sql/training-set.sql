-- Training set: the past contacts (treated or held out) with the customer's features as of the
-- day each was sent, and whether the customer converted within the response window after it.
-- The contacts are those of a sample of the customers (training-sample.sql) when the history
-- is larger than the response model needs.
WITH {{training_sample}},
spine AS (
  SELECT k.contact_id AS spine_id, k.customer_id, CAST(k.sent_at AS DATE) AS as_of
  FROM contacts k
  JOIN training_customers s ON s.customer_id = k.customer_id
  WHERE k.run_id = '{{run_id}}'
),
{{feature_ctes}}
SELECT
  k.contact_id,
  k.campaign_id,
  k."group" AS assignment,
  k.offer_id,
  k.channel_id,
  k.discount_pct,  CASE
    WHEN r.converted_at >= k.sent_at AND r.converted_at < k.sent_at + INTERVAL '{{response_window_days}}' DAY THEN 1
    ELSE 0
  END AS converted,
  CASE
    WHEN r.converted_at >= k.sent_at AND r.converted_at < k.sent_at + INTERVAL '{{response_window_days}}' DAY
      THEN COALESCE(r.revenue, 0)
    ELSE 0
  END AS response_revenue,
  f.*
FROM contacts k
JOIN features f ON f.spine_id = k.contact_id
LEFT JOIN responses r ON r.contact_id = k.contact_id AND r.run_id = '{{run_id}}'
WHERE k.run_id = '{{run_id}}'
ORDER BY k.contact_id
