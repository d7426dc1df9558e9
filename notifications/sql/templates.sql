-- Every notification template with the version of them all (templates_version.sql, put
-- in at {templates_version}), read in one snapshot; one row of NULLs with the version
-- when there is no template.
SELECT version.md5, t.event, t.language, t.subject, t.body
FROM ({templates_version}) AS version (md5)
LEFT JOIN notifications_notificationtemplate AS t ON true
ORDER BY t.id
