-- Feature CTEs shared by the scoring and training queries. The caller defines `spine`
-- (spine_id, customer_id, as_of); every feature of a spine row reads only rows strictly before
-- its own as_of, so training rows are as point-in-time correct as scoring rows.
-- Portable Trino/DuckDB subset: CAST before dividing, date_diff on DATEs, count_if, no FILTER.
--
-- Cost: a spine row's features depend on it only through (customer_id, as_of), so the lines are
-- aggregated per customer and cut-off, and the spine meets those results, never the lines. A
-- line's cut-off (a date, or k.as_of of a joined k) is rendered by feature-queries.ts: one date
-- for every spine row (no join at all), each of the spine's dates, or the spine's own
-- (customer_id, as_of) pairs. Each CTE over the lines is read once (Athena inlines a CTE at each
-- reference, so a second reader would scan the lines again; DuckDB would materialize them) and
-- reads only what it needs: the line features the year before the cut-off, purchase days and
-- receipts three narrow columns, grouped per day before they meet any cut-off. Where the cut-offs
-- are known when the SQL is rendered, each read also bounds the month partition key, so Athena
-- opens only the months it needs (`month` is derived from `ts` at intake, in UTC).
spine_keys AS (
  SELECT DISTINCT customer_id, as_of FROM spine
),
spine_cut_offs AS (
  SELECT DISTINCT as_of FROM spine
),
year_lines AS (
  -- The lines of the 365 days before the cut-off (age_days 0..364): all the line features read.
  SELECT
    t.customer_id,
    {{cut_off}} AS as_of,
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
    date_diff('day', CAST(t.ts AS DATE), {{cut_off}}) AS age_days
  FROM transactions t{{line_cut_offs}}
  LEFT JOIN products p ON p.product_id = t.product_id AND p.run_id = '{{run_id}}'
  WHERE t.run_id = '{{run_id}}'
    AND t.ts < CAST({{cut_off}} AS TIMESTAMP)
    AND t.ts >= CAST({{cut_off}} AS TIMESTAMP) - INTERVAL '364' DAY{{line_month_filter}}
),
branch_stats AS (
  -- Per customer, cut-off and branch: one step short of purchase_stats, for the home branch.
  SELECT
    customer_id,
    as_of,
    branch,
    SUM(line_value) AS monetary_365,
    SUM(CASE WHEN age_days < 180 THEN line_value ELSE 0 END) AS monetary_180,
    SUM(CASE WHEN age_days < 90 THEN line_value ELSE 0 END) AS monetary_90,
    SUM(CASE WHEN age_days < 30 THEN line_value ELSE 0 END) AS monetary_30,
    count_if(quantity > 0) AS purchase_lines_365,
    SUM(CASE WHEN quantity > 0 THEN discount ELSE 0 END) AS discount_365,
    SUM(CASE WHEN quantity > 0 THEN line_value + discount ELSE 0 END) AS gross_365,
    count_if(sales_channel = 'over_the_counter') AS otc_lines_365,
    count_if(weekday >= 5) AS weekend_lines_365,
    SUM(hour_of_day) AS hour_sum_365,
    SUM(CASE WHEN age_days >= 90 AND age_days < 180 THEN line_value ELSE 0 END) AS monetary_90_180,
    COUNT(*) AS lines_365,
    count_if(quantity < 0) AS return_lines_365,
    count_if(discount > 0) AS discounted_lines_365,
    count_if(sales_channel = 'online') AS online_lines_365,
    count_if(sales_channel = 'app') AS app_lines_365,
    max(day) AS last_day_365{{category_values}}
  FROM year_lines
  GROUP BY customer_id, as_of, branch
),
purchase_stats AS (
  SELECT
    customer_id,
    as_of,
    SUM(monetary_365) AS monetary_365,
    SUM(monetary_180) AS monetary_180,
    SUM(monetary_90) AS monetary_90,
    SUM(monetary_30) AS monetary_30,
    SUM(purchase_lines_365) AS purchase_lines_365,
    SUM(discount_365) AS discount_365,
    SUM(gross_365) AS gross_365,
    SUM(otc_lines_365) AS otc_lines_365,
    SUM(weekend_lines_365) AS weekend_lines_365,
    -- Hours are whole numbers: their sum over their count is exactly their AVG.
    CAST(SUM(hour_sum_365) AS DOUBLE) / SUM(lines_365) AS mean_hour_365,
    SUM(monetary_90_180) AS monetary_90_180,
    SUM(lines_365) AS lines_365,
    SUM(return_lines_365) AS return_lines_365,
    SUM(discounted_lines_365) AS discounted_lines_365,
    SUM(online_lines_365) AS online_lines_365,
    SUM(app_lines_365) AS app_lines_365,
    -- The branch of most lines in the year; a tie goes to the one visited last.
    max_by(branch, CASE WHEN branch IS NOT NULL
      THEN lines_365 * 100000 + date_diff('day', CAST(DATE '1970-01-01' AS DATE), CAST(last_day_365 AS DATE)) END) AS home_branch{{category_totals}}
  FROM branch_stats
  GROUP BY customer_id, as_of
),
purchase_days AS (
  -- Each customer's days with a purchase line, and the purchase day before each.
  SELECT d.customer_id, d.day, lag(d.day) OVER (PARTITION BY d.customer_id ORDER BY d.day) AS previous_day
  FROM (
    SELECT t.customer_id, CAST(t.ts AS DATE) AS day
    FROM transactions t
    WHERE t.run_id = '{{run_id}}' AND t.quantity > 0{{purchase_day_filter}}
    GROUP BY t.customer_id, CAST(t.ts AS DATE)
  ) d
),
day_stats AS (
  SELECT
    customer_id,
    as_of,
    MIN(age_days) AS recency_days,
    MAX(age_days) AS first_purchase_age_days,
    COUNT(*) AS purchase_days_total,
    AVG(gap_days) AS inter_purchase_mean_days,
    stddev_samp(gap_days) AS inter_purchase_sd_days
  FROM (
    SELECT
      d.customer_id,
      {{cut_off}} AS as_of,
      date_diff('day', CAST(d.day AS DATE), {{cut_off}}) AS age_days,
      CAST(date_diff('day', CAST(d.previous_day AS DATE), CAST(d.day AS DATE)) AS DOUBLE) AS gap_days
    FROM purchase_days d{{day_cut_offs}}
    WHERE d.day < {{cut_off}}
  ) x
  GROUP BY customer_id, as_of
),
year_receipts AS (
  -- Each customer's receipts with a purchase line, one row per receipt and day (of the cut-offs'
  -- years), with the receipt's purchase day before: a receipt counts once in a window, on its
  -- first purchase day there, the one whose previous purchase day in the receipt is not in it.
  SELECT
    r.customer_id,
    r.day,
    lag(r.day) OVER (PARTITION BY r.customer_id, r.transaction_id ORDER BY r.day) AS previous_day
  FROM (
    SELECT t.customer_id, t.transaction_id, CAST(t.ts AS DATE) AS day
    FROM transactions t
    WHERE t.run_id = '{{run_id}}' AND t.quantity > 0 AND t.transaction_id IS NOT NULL{{receipt_filter}}
    GROUP BY t.customer_id, t.transaction_id, CAST(t.ts AS DATE)
  ) r
),
receipt_stats AS (
  SELECT
    customer_id,
    as_of,
    COUNT(CASE WHEN COALESCE(previous_age_days >= 365, true) THEN 1 END) AS frequency_365,
    COUNT(CASE WHEN age_days < 180 AND COALESCE(previous_age_days >= 180, true) THEN 1 END) AS frequency_180,
    COUNT(CASE WHEN age_days < 90 AND COALESCE(previous_age_days >= 90, true) THEN 1 END) AS frequency_90,
    COUNT(CASE WHEN age_days < 30 AND COALESCE(previous_age_days >= 30, true) THEN 1 END) AS frequency_30
  FROM (
    SELECT
      r.customer_id,
      {{cut_off}} AS as_of,
      date_diff('day', CAST(r.day AS DATE), {{cut_off}}) AS age_days,
      date_diff('day', CAST(r.previous_day AS DATE), {{cut_off}}) AS previous_age_days
    FROM year_receipts r{{receipt_cut_offs}}
    WHERE r.day < {{cut_off}} AND date_diff('day', CAST(r.day AS DATE), {{cut_off}}) < 365
  ) x
  GROUP BY customer_id, as_of
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
    ds.recency_days,
    COALESCE(rc.frequency_365, 0) AS frequency_365,
    COALESCE(rc.frequency_180, 0) AS frequency_180,
    COALESCE(rc.frequency_90, 0) AS frequency_90,
    COALESCE(rc.frequency_30, 0) AS frequency_30,
    COALESCE(ps.monetary_365, 0) AS monetary_365,
    COALESCE(ps.monetary_180, 0) AS monetary_180,
    COALESCE(ps.monetary_90, 0) AS monetary_90,
    COALESCE(ps.monetary_30, 0) AS monetary_30,
    ds.inter_purchase_mean_days,
    ds.inter_purchase_sd_days,
    -- The whole purchase history before the cut-off, which the BG/NBD lifetime-value model reads.
    COALESCE(ds.purchase_days_total, 0) AS purchase_days_total,
    ds.first_purchase_age_days,
    CASE WHEN rc.frequency_365 > 0 THEN CAST(ps.purchase_lines_365 AS DOUBLE) / rc.frequency_365 ELSE 0 END AS basket_lines_mean,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.otc_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS otc_share,
    CASE WHEN ps.gross_365 > 0 THEN CAST(ps.discount_365 AS DOUBLE) / ps.gross_365 ELSE 0 END AS discount_spend_share,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.weekend_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS weekend_share,
    ps.mean_hour_365,
    ps.home_branch,
    COALESCE(cs.contacts_7, 0) AS contacts_7,
    COALESCE(cs.contacts_30, 0) AS contacts_30,
    COALESCE(cs.contacts_90_email, 0) AS contacts_90_email,
    COALESCE(cs.contacts_90_sms, 0) AS contacts_90_sms,
    COALESCE(cs.contacts_90_push, 0) AS contacts_90_push,
    COALESCE(cs.contacts_90_direct_mail, 0) AS contacts_90_direct_mail,
    -- Lifecycle flags operations teams use.
    COALESCE(ds.recency_days > 180, true) AS is_inactive,
    COALESCE(ps.lines_365 > 0 AND ps.otc_lines_365 = ps.lines_365, false) AS is_otc_only,
    -- Ranked among the rows of the same cut-off only: a training row must not see later rows.
    COALESCE(ps.monetary_365, 0) > 0
      AND percent_rank() OVER (PARTITION BY s.as_of ORDER BY COALESCE(ps.monetary_365, 0)) >= 0.9 AS is_high_value,
    COALESCE(ps.monetary_90, 0) - COALESCE(ps.monetary_90_180, 0) AS trend_90,
    greatest(date_diff('day', c.signup_date, s.as_of), 0) AS tenure_days,
    CASE WHEN rc.frequency_365 > 0 THEN ps.monetary_365 / rc.frequency_365 ELSE 0 END AS avg_basket_value,
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
  LEFT JOIN purchase_stats ps ON ps.customer_id = s.customer_id AND ps.as_of = s.as_of
  LEFT JOIN day_stats ds ON ds.customer_id = s.customer_id AND ds.as_of = s.as_of
  LEFT JOIN receipt_stats rc ON rc.customer_id = s.customer_id AND rc.as_of = s.as_of
  LEFT JOIN contact_stats cs ON cs.spine_id = s.spine_id
  LEFT JOIN response_stats rs ON rs.spine_id = s.spine_id
)
