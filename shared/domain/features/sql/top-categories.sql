-- The categories with the most revenue before the cut-off; their shares become features.
SELECT p.category, SUM(CAST(t.quantity AS DOUBLE) * t.unit_price) AS revenue
FROM transactions t
JOIN products p ON p.product_id = t.product_id AND p.run_id = '{{run_id}}'
WHERE t.run_id = '{{run_id}}' AND t.month <= '{{as_of_month}}'
  AND t.ts < CAST(DATE '{{as_of}}' AS TIMESTAMP) AND t.quantity > 0
GROUP BY p.category
ORDER BY revenue DESC, p.category
LIMIT {{limit}}
