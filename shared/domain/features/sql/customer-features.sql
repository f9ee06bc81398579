-- Scoring features: every customer of the batch as of the run's cut-off date.
WITH spine AS (
  SELECT c.customer_id AS spine_id, c.customer_id, DATE '{{as_of}}' AS as_of
  FROM customers c
  WHERE c.run_id = '{{run_id}}'
),
{{feature_ctes}}
SELECT f.*
FROM features f
ORDER BY f.customer_id
