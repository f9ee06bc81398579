-- The customers whose contacts make the training set: every k-th contacted customer by id, k
-- chosen so that about {{sample_contacts}} contacts remain (every customer in a smaller history).
-- A systematic sample of customers, independent of the arms they were assigned, the same on every
-- engine and every rerun. Rendered into training-set.sql and dataset-counts.sql, which counts it.
-- Portable Trino/DuckDB subset: mod() rather than %, CAST before dividing.
contacted_customers AS (
  SELECT
    customer_id,
    row_number() OVER (ORDER BY customer_id) AS position,
    SUM(contacts) OVER () AS contacts
  FROM (
    SELECT k.customer_id, COUNT(*) AS contacts
    FROM contacts k
    WHERE k.run_id = '{{run_id}}'
    GROUP BY k.customer_id
  ) c
),
training_customers AS (
  SELECT customer_id
  FROM contacted_customers
  WHERE mod(position - 1, CAST(ceil(CAST(contacts AS DOUBLE) / {{sample_contacts}}) AS BIGINT)) = 0
)
