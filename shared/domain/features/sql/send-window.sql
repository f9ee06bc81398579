-- The first and last days past contacts were sent on: the training set's cut-offs lie between
-- them, so its SQL can bound the month partitions its reads of the lines open.
SELECT min(CAST(k.sent_at AS DATE)) AS first_send, max(CAST(k.sent_at AS DATE)) AS last_send
FROM contacts k
WHERE k.run_id = '{{run_id}}'
