-- Hours the randomized history sent at, per timed channel (one with a send window), before the
-- cut-off: the send times a plan may choose from. Letters have no window and are not timed.
SELECT k.channel_id, hour(k.sent_at) AS send_hour, COUNT(*) AS contacts
FROM contacts k
JOIN channels c ON c.channel_id = k.channel_id AND c.run_id = '{{run_id}}'
WHERE k.run_id = '{{run_id}}'
  AND k."group" = 'treatment'
  AND c.send_window_start IS NOT NULL
  AND CAST(k.sent_at AS DATE) < DATE '{{as_of}}'
GROUP BY k.channel_id, hour(k.sent_at)
ORDER BY k.channel_id, contacts DESC, send_hour
