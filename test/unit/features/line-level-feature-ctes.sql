-- The feature CTEs as they were before the lines were aggregated per customer and cut-off ahead
-- of the spine: every spine row joined to every line of its customer. Kept as the definition the
-- pre-aggregated SQL is checked against (pre-aggregation.test.ts); not used by the engine.
--
-- Feature CTEs shared by the scoring and training queries. The caller defines `spine`
-- (spine_id, customer_id, as_of); every feature of a spine row reads only rows strictly before
-- its own as_of, so training rows are as point-in-time correct as scoring rows.
-- Portable Trino/DuckDB subset: CAST before dividing, date_diff on DATEs, count_if, no FILTER.
lines AS (
  SELECT
    s.spine_id,
    t.transaction_id,
    t.quantity,
    t.sales_channel,
    t.branch,
    CAST(t.ts AS DATE) AS day,
    hour(t.ts) AS hour_of_day,
    -- 1970-01-05 was a Monday: 0 = Monday .. 6 = Sunday on both engines (day_of_week differs).
    date_diff('day', CAST(DATE '1970-01-05' AS DATE), CAST(t.ts AS DATE)) % 7 AS weekday,
    p.category,
    CAST(t.quantity AS DOUBLE) * t.unit_price - COALESCE(t.discount, 0) AS line_value,
    COALESCE(t.discount, 0) AS discount,
    date_diff('day', CAST(t.ts AS DATE), s.as_of) AS age_days
  FROM spine s
  JOIN transactions t ON t.customer_id = s.customer_id
  LEFT JOIN products p ON p.product_id = t.product_id AND p.run_id = '{{run_id}}'
  WHERE t.run_id = '{{run_id}}' AND t.ts < CAST(s.as_of AS TIMESTAMP)
),
purchase_stats AS (
  SELECT
    spine_id,
    MIN(CASE WHEN quantity > 0 THEN age_days END) AS recency_days,
    COUNT(DISTINCT CASE WHEN quantity > 0 AND age_days < 365 THEN transaction_id END) AS frequency_365,
    COUNT(DISTINCT CASE WHEN quantity > 0 AND age_days < 180 THEN transaction_id END) AS frequency_180,
    COUNT(DISTINCT CASE WHEN quantity > 0 AND age_days < 90 THEN transaction_id END) AS frequency_90,
    COUNT(DISTINCT CASE WHEN quantity > 0 AND age_days < 30 THEN transaction_id END) AS frequency_30,
    SUM(CASE WHEN age_days < 365 THEN line_value ELSE 0 END) AS monetary_365,
    SUM(CASE WHEN age_days < 180 THEN line_value ELSE 0 END) AS monetary_180,
    SUM(CASE WHEN age_days < 90 THEN line_value ELSE 0 END) AS monetary_90,
    SUM(CASE WHEN age_days < 30 THEN line_value ELSE 0 END) AS monetary_30,
    count_if(age_days < 365 AND quantity > 0) AS purchase_lines_365,
    SUM(CASE WHEN age_days < 365 AND quantity > 0 THEN discount ELSE 0 END) AS discount_365,
    SUM(CASE WHEN age_days < 365 AND quantity > 0 THEN line_value + discount ELSE 0 END) AS gross_365,
    count_if(age_days < 365 AND sales_channel = 'over_the_counter') AS otc_lines_365,
    count_if(age_days < 365 AND weekday >= 5) AS weekend_lines_365,
    AVG(CASE WHEN age_days < 365 THEN CAST(hour_of_day AS DOUBLE) END) AS mean_hour_365,
    SUM(CASE WHEN age_days >= 90 AND age_days < 180 THEN line_value ELSE 0 END) AS monetary_90_180,
    count_if(age_days < 365) AS lines_365,
    count_if(age_days < 365 AND quantity < 0) AS return_lines_365,
    count_if(age_days < 365 AND discount > 0) AS discounted_lines_365,
    count_if(age_days < 365 AND sales_channel = 'online') AS online_lines_365,
    count_if(age_days < 365 AND sales_channel = 'app') AS app_lines_365{{category_values}}
  FROM lines
  GROUP BY spine_id
),
purchase_days AS (
  SELECT DISTINCT spine_id, day FROM lines WHERE quantity > 0
),
purchase_gaps AS (
  SELECT spine_id, date_diff('day', CAST(lag(day) OVER (PARTITION BY spine_id ORDER BY day) AS DATE), CAST(day AS DATE)) AS gap_days
  FROM purchase_days
),
day_totals AS (
  SELECT spine_id, COUNT(DISTINCT day) AS purchase_days_total, MAX(age_days) AS first_purchase_age_days
  FROM lines
  WHERE quantity > 0
  GROUP BY spine_id
),
gap_stats AS (
  SELECT
    spine_id,
    AVG(CAST(gap_days AS DOUBLE)) AS inter_purchase_mean_days,
    stddev_samp(CAST(gap_days AS DOUBLE)) AS inter_purchase_sd_days
  FROM purchase_gaps
  WHERE gap_days IS NOT NULL
  GROUP BY spine_id
),
branch_lines AS (
  SELECT spine_id, branch, COUNT(*) AS lines, max(day) AS last_day
  FROM lines
  WHERE age_days < 365 AND branch IS NOT NULL
  GROUP BY spine_id, branch
),
home_branches AS (
  -- The branch of most lines in the year; a tie goes to the one visited last.
  SELECT spine_id, max_by(branch, lines * 100000 + date_diff('day', CAST(DATE '1970-01-01' AS DATE), CAST(last_day AS DATE))) AS home_branch
  FROM branch_lines
  GROUP BY spine_id
),
contact_stats AS (
  SELECT
    s.spine_id,
    count_if(k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '7' DAY) AS contacts_7,
    count_if(k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '30' DAY) AS contacts_30,
    count_if(k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '90' DAY) AS contacts_90,
    count_if(k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '90' DAY AND k.channel_id = 'email') AS contacts_90_email,
    count_if(k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '90' DAY AND k.channel_id = 'sms') AS contacts_90_sms,
    count_if(k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '90' DAY AND k.channel_id = 'push') AS contacts_90_push,
    count_if(k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '90' DAY AND k.channel_id = 'direct_mail') AS contacts_90_direct_mail,
    MIN(date_diff('day', CAST(k.sent_at AS DATE), s.as_of)) AS days_since_last_contact
  FROM spine s
  JOIN contacts k ON k.customer_id = s.customer_id
  WHERE k.run_id = '{{run_id}}' AND k."group" = 'treatment' AND k.sent_at < CAST(s.as_of AS TIMESTAMP)
  GROUP BY s.spine_id
),
contact_outcomes AS (
  -- A treated contact converted when its response came within the window and before the cut-off:
  -- a response the cut-off has not seen yet is not known.
  SELECT
    s.spine_id,
    k.channel_id,
    k.discount_pct,
    k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '180' DAY AS recent,
    CASE
      WHEN r.converted_at >= k.sent_at AND r.converted_at < k.sent_at + INTERVAL '{{response_window_days}}' DAY
        AND r.converted_at < CAST(s.as_of AS TIMESTAMP) THEN 1
      ELSE 0
    END AS converted
  FROM spine s
  JOIN contacts k ON k.customer_id = s.customer_id
  LEFT JOIN responses r ON r.contact_id = k.contact_id AND r.run_id = '{{run_id}}'
  WHERE k.run_id = '{{run_id}}' AND k."group" = 'treatment' AND k.sent_at < CAST(s.as_of AS TIMESTAMP)
),
response_stats AS (
  SELECT
    spine_id,
    CAST(SUM(CASE WHEN channel_id = 'email' THEN converted ELSE 0 END) AS DOUBLE) / NULLIF(count_if(channel_id = 'email'), 0) AS response_rate_email,
    CAST(SUM(CASE WHEN channel_id = 'sms' THEN converted ELSE 0 END) AS DOUBLE) / NULLIF(count_if(channel_id = 'sms'), 0) AS response_rate_sms,
    CAST(SUM(CASE WHEN channel_id = 'push' THEN converted ELSE 0 END) AS DOUBLE) / NULLIF(count_if(channel_id = 'push'), 0) AS response_rate_push,
    CAST(SUM(CASE WHEN channel_id = 'direct_mail' THEN converted ELSE 0 END) AS DOUBLE) / NULLIF(count_if(channel_id = 'direct_mail'), 0) AS response_rate_direct_mail,
    CAST(SUM(CASE WHEN discount_pct > 0 THEN converted ELSE 0 END) AS DOUBLE) / NULLIF(count_if(discount_pct > 0), 0) AS response_rate_discounted,
    CAST(SUM(CASE WHEN COALESCE(discount_pct, 0) = 0 THEN converted ELSE 0 END) AS DOUBLE) / NULLIF(count_if(COALESCE(discount_pct, 0) = 0), 0) AS response_rate_undiscounted,
    AVG(CASE WHEN converted = 1 THEN CAST(discount_pct AS DOUBLE) END) AS mean_discount_converted,
    -- Fatigue: the response rate of the last 180 days against the one before (negative = tiring).
    CAST(SUM(CASE WHEN recent THEN converted ELSE 0 END) AS DOUBLE) / NULLIF(count_if(recent), 0)
      - CAST(SUM(CASE WHEN NOT recent THEN converted ELSE 0 END) AS DOUBLE) / NULLIF(count_if(NOT recent), 0) AS response_rate_trend
  FROM contact_outcomes
  GROUP BY spine_id
),
features AS (
  SELECT
    s.spine_id,
    s.customer_id,
    s.as_of,
    ps.recency_days,
    COALESCE(ps.frequency_365, 0) AS frequency_365,
    COALESCE(ps.frequency_180, 0) AS frequency_180,
    COALESCE(ps.frequency_90, 0) AS frequency_90,
    COALESCE(ps.frequency_30, 0) AS frequency_30,
    COALESCE(ps.monetary_365, 0) AS monetary_365,
    COALESCE(ps.monetary_180, 0) AS monetary_180,
    COALESCE(ps.monetary_90, 0) AS monetary_90,
    COALESCE(ps.monetary_30, 0) AS monetary_30,
    gs.inter_purchase_mean_days,
    gs.inter_purchase_sd_days,
    COALESCE(dt.purchase_days_total, 0) AS purchase_days_total,
    dt.first_purchase_age_days,
    CASE WHEN ps.frequency_365 > 0 THEN CAST(ps.purchase_lines_365 AS DOUBLE) / ps.frequency_365 ELSE 0 END AS basket_lines_mean,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.otc_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS otc_share,
    CASE WHEN ps.gross_365 > 0 THEN CAST(ps.discount_365 AS DOUBLE) / ps.gross_365 ELSE 0 END AS discount_spend_share,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.weekend_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS weekend_share,
    ps.mean_hour_365,
    hb.home_branch,
    COALESCE(cs.contacts_7, 0) AS contacts_7,
    COALESCE(cs.contacts_30, 0) AS contacts_30,
    COALESCE(cs.contacts_90_email, 0) AS contacts_90_email,
    COALESCE(cs.contacts_90_sms, 0) AS contacts_90_sms,
    COALESCE(cs.contacts_90_push, 0) AS contacts_90_push,
    COALESCE(cs.contacts_90_direct_mail, 0) AS contacts_90_direct_mail,
    -- Lifecycle flags operations teams use.
    COALESCE(ps.recency_days > 180, true) AS is_inactive,
    COALESCE(ps.lines_365 > 0 AND ps.otc_lines_365 = ps.lines_365, false) AS is_otc_only,
    -- Ranked among the rows of the same cut-off only: a training row must not see later rows.
    COALESCE(ps.monetary_365, 0) > 0
      AND percent_rank() OVER (PARTITION BY s.as_of ORDER BY COALESCE(ps.monetary_365, 0)) >= 0.9 AS is_high_value,
    COALESCE(ps.monetary_90, 0) - COALESCE(ps.monetary_90_180, 0) AS trend_90,
    greatest(date_diff('day', c.signup_date, s.as_of), 0) AS tenure_days,
    CASE WHEN ps.frequency_365 > 0 THEN ps.monetary_365 / ps.frequency_365 ELSE 0 END AS avg_basket_value,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.return_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS return_rate,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.discounted_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS discount_share,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.online_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS online_share,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.app_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS app_share,
    COALESCE(cs.contacts_90, 0) AS contacts_90,
    cs.days_since_last_contact,
    rs.response_rate_email,
    rs.response_rate_sms,
    rs.response_rate_push,
    rs.response_rate_direct_mail,
    rs.response_rate_discounted,
    rs.response_rate_undiscounted,
    rs.mean_discount_converted,
    rs.response_rate_trend,
    COALESCE(c.consent_email, false) AS consent_email,
    COALESCE(c.consent_sms, false) AS consent_sms,
    COALESCE(c.consent_push, false) AS consent_push,
    COALESCE(c.consent_direct_mail, false) AS consent_direct_mail,
    COALESCE(c.consent_call_centre, false) AS consent_call_centre{{category_shares}}
  FROM spine s
  JOIN customers c ON c.customer_id = s.customer_id AND c.run_id = '{{run_id}}'
  LEFT JOIN purchase_stats ps ON ps.spine_id = s.spine_id
  LEFT JOIN gap_stats gs ON gs.spine_id = s.spine_id
  LEFT JOIN day_totals dt ON dt.spine_id = s.spine_id
  LEFT JOIN home_branches hb ON hb.spine_id = s.spine_id
  LEFT JOIN contact_stats cs ON cs.spine_id = s.spine_id
  LEFT JOIN response_stats rs ON rs.spine_id = s.spine_id
)
