-- Scoring features: every customer of the batch as of the run's cut-off date.
WITH spine AS (
  SELECT c.customer_id AS spine_id, c.customer_id, DATE '{{as_of}}' AS as_of
  FROM customers c
  WHERE c.run_id = '{{run_id}}'
),
{{feature_ctes}}
-- The protected attributes ride along for the plan's fairness report only; no model reads a
-- fairness_ column (the model's inputs are listed by name in feature-vector.ts).
SELECT
  f.*,
  c.region AS fairness_region,
  c.gender AS fairness_gender,
  c.birth_year AS fairness_birth_year
FROM features f
JOIN customers c ON c.customer_id = f.customer_id AND c.run_id = '{{run_id}}'
ORDER BY f.customer_id
