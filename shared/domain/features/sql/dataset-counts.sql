-- Row counts of the run's snapshot, for the run record: customers, contacts, and the contacts
-- of the training set's sample of customers (training-sample.sql).
WITH {{training_sample}}
SELECT
  (SELECT COUNT(*) FROM customers WHERE run_id = '{{run_id}}') AS customers,
  (SELECT COUNT(*) FROM contacts WHERE run_id = '{{run_id}}') AS contacts,
  (SELECT COUNT(*) FROM contacts k JOIN training_customers s ON s.customer_id = k.customer_id
    WHERE k.run_id = '{{run_id}}') AS training_contacts
