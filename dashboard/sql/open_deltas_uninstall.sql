-- Undoes open_deltas.sql.
DROP TRIGGER IF EXISTS dashboard_opendelta_ins ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_opendelta_upd ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_opendelta_del ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_opendelta_trunc ON dashboard_itemfact;
DROP FUNCTION IF EXISTS dashboard_opendelta_written();
DROP FUNCTION IF EXISTS dashboard_opendelta_truncated();
DROP FUNCTION IF EXISTS dashboard_opendelta_rebuild();
DROP FUNCTION IF EXISTS dashboard_opendelta_statement();
DROP FUNCTION IF EXISTS dashboard_span_deltas(tstzmultirange, tstzmultirange, timestamptz);
DROP TABLE IF EXISTS dashboard_opendelta_recent;
DROP TABLE IF EXISTS dashboard_opendelta;
