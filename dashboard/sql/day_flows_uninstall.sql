-- Undoes day_flows.sql.
DROP TRIGGER IF EXISTS dashboard_dayflow_ins ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_dayflow_upd ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_dayflow_del ON dashboard_itemfact;
DROP FUNCTION IF EXISTS dashboard_dayflow_written();
DROP FUNCTION IF EXISTS dashboard_dayflow_rebuild();
DROP FUNCTION IF EXISTS dashboard_dayflow_statement();
DROP FUNCTION IF EXISTS dashboard_resolutionflow_statement();
DROP TABLE IF EXISTS dashboard_dayflow;
DROP TABLE IF EXISTS dashboard_resolutionflow;
DROP INDEX IF EXISTS dashboard_itemfact_hour_bucket;
DROP FUNCTION IF EXISTS dashboard_hour_bucket(timestamptz, timestamptz);
