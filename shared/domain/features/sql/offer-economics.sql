-- What a response to each offer is worth: the mean converted basket of treated contacts that
-- converted within the response window, before the discount they were sent, and the gross margin
-- of the offer's target category, with store-wide fallbacks. The revenue recorded is what the
-- customer paid; the plan's objective subtracts the discount every redeemer gets on its own (as a
-- share of this value), so the value is grossed back up by the contact's discount level.
WITH treated_conversions AS (
  SELECT k.offer_id, r.revenue / NULLIF(1 - CAST(COALESCE(k.discount_pct, 0) AS DOUBLE) / 100, 0) AS revenue
  FROM contacts k
  JOIN responses r ON r.contact_id = k.contact_id AND r.run_id = '{{run_id}}'
  WHERE k.run_id = '{{run_id}}' AND k."group" = 'treatment' AND r.revenue > 0
    AND r.converted_at >= k.sent_at AND r.converted_at < k.sent_at + INTERVAL '{{response_window_days}}' DAY
),
conversions AS (
  SELECT offer_id, COUNT(*) AS conversions, AVG(revenue) AS mean_revenue
  FROM treated_conversions
  GROUP BY offer_id
),
category_margin AS (
  SELECT category, 1 - SUM(unit_cost) / SUM(price) AS margin_rate
  FROM products
  WHERE run_id = '{{run_id}}' AND unit_cost IS NOT NULL AND price > 0
  GROUP BY category
),
overall AS (
  SELECT
    (SELECT 1 - SUM(unit_cost) / SUM(price) FROM products
      WHERE run_id = '{{run_id}}' AND unit_cost IS NOT NULL AND price > 0) AS margin_rate,
    (SELECT AVG(revenue) FROM treated_conversions) AS mean_revenue
)
SELECT
  o.offer_id,
  o.name,
  o.kind,
  o.target_category,
  o.target_product_id,
  o.discount_pct,
  o.discount_levels,
  o.eligibility,
  CAST(o.valid_from AS VARCHAR) AS valid_from,
  CAST(o.valid_to AS VARCHAR) AS valid_to,
  o.max_volume,
  COALESCE(cv.conversions, 0) AS conversions,
  COALESCE(cv.mean_revenue, ov.mean_revenue) AS value_per_response,
  COALESCE(cm.margin_rate, ov.margin_rate) AS margin_rate
FROM offers o
CROSS JOIN overall ov
LEFT JOIN conversions cv ON cv.offer_id = o.offer_id
LEFT JOIN category_margin cm ON cm.category = o.target_category
WHERE o.run_id = '{{run_id}}'
ORDER BY o.offer_id
