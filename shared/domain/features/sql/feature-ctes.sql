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
    MAX(age_days) AS first_purchase_age_days,
    COUNT(DISTINCT CASE WHEN quantity > 0 AND age_days < 365 THEN transaction_id END) AS frequency_365,
    COUNT(DISTINCT CASE WHEN quantity > 0 AND age_days < 90 THEN transaction_id END) AS frequency_90,
    SUM(CASE WHEN age_days < 365 THEN line_value ELSE 0 END) AS monetary_365,
    SUM(CASE WHEN age_days < 90 THEN line_value ELSE 0 END) AS monetary_90,
    SUM(CASE WHEN age_days >= 90 AND age_days < 180 THEN line_value ELSE 0 END) AS monetary_90_180,
    count_if(age_days < 365) AS lines_365,
    count_if(age_days < 365 AND quantity < 0) AS return_lines_365,
    count_if(age_days < 365 AND discount > 0) AS discounted_lines_365,
    count_if(age_days < 365 AND sales_channel = 'online') AS online_lines_365,
    count_if(age_days < 365 AND sales_channel = 'app') AS app_lines_365{{category_values}}
  FROM lines
  GROUP BY spine_id
),
contact_stats AS (
  SELECT
    s.spine_id,
    count_if(k.sent_at >= CAST(s.as_of AS TIMESTAMP) - INTERVAL '90' DAY) AS contacts_90,
    MIN(date_diff('day', CAST(k.sent_at AS DATE), s.as_of)) AS days_since_last_contact
  FROM spine s
  JOIN contacts k ON k.customer_id = s.customer_id
  WHERE k.run_id = '{{run_id}}' AND k."group" = 'treatment' AND k.sent_at < CAST(s.as_of AS TIMESTAMP)
  GROUP BY s.spine_id
),
features AS (
  SELECT
    s.spine_id,
    s.customer_id,
    s.as_of,
    ps.recency_days,
    COALESCE(ps.frequency_365, 0) AS frequency_365,
    COALESCE(ps.frequency_90, 0) AS frequency_90,
    COALESCE(ps.monetary_365, 0) AS monetary_365,
    COALESCE(ps.monetary_90, 0) AS monetary_90,
    COALESCE(ps.monetary_90, 0) - COALESCE(ps.monetary_90_180, 0) AS trend_90,
    greatest(date_diff('day', c.signup_date, s.as_of), 0) AS tenure_days,
    CASE WHEN ps.frequency_365 > 0 THEN ps.monetary_365 / ps.frequency_365 ELSE 0 END AS avg_basket_value,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.return_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS return_rate,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.discounted_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS discount_share,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.online_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS online_share,
    CASE WHEN ps.lines_365 > 0 THEN CAST(ps.app_lines_365 AS DOUBLE) / ps.lines_365 ELSE 0 END AS app_share,
    COALESCE(cs.contacts_90, 0) AS contacts_90,
    cs.days_since_last_contact,
    COALESCE(c.consent_email, false) AS consent_email,
    COALESCE(c.consent_sms, false) AS consent_sms,
    COALESCE(c.consent_push, false) AS consent_push,
    COALESCE(c.consent_direct_mail, false) AS consent_direct_mail,
    COALESCE(c.consent_call_centre, false) AS consent_call_centre{{category_shares}}
  FROM spine s
  JOIN customers c ON c.customer_id = s.customer_id AND c.run_id = '{{run_id}}'
  LEFT JOIN purchase_stats ps ON ps.spine_id = s.spine_id
  LEFT JOIN contact_stats cs ON cs.spine_id = s.spine_id
)
