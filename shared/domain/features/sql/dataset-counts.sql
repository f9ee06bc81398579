-- Row counts of the run's snapshot, for the run record.
SELECT
  (SELECT COUNT(*) FROM customers WHERE run_id = '{{run_id}}') AS customers,
  (SELECT COUNT(*) FROM contacts WHERE run_id = '{{run_id}}') AS contacts
