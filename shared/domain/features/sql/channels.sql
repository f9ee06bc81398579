-- Channels with their cost and daily capacity.
SELECT channel_id, cost_per_contact, capacity_per_day
FROM channels
WHERE run_id = '{{run_id}}'
ORDER BY channel_id
