-- Undoes facts_table.sql and facts_install.sql (the migration's reverse).
DROP TRIGGER IF EXISTS dashboard_facts_ins ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS dashboard_facts_upd ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS dashboard_facts_del ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS dashboard_facts_trunc ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS dashboard_facts_ins ON feedback_feedbackevent;
DROP TRIGGER IF EXISTS dashboard_facts_upd ON feedback_feedbackevent;
DROP TRIGGER IF EXISTS dashboard_facts_del ON feedback_feedbackevent;
DROP TRIGGER IF EXISTS dashboard_facts_trunc ON feedback_feedbackevent;
DROP TRIGGER IF EXISTS dashboard_facts_all ON layers_areasubdivision;
DROP TRIGGER IF EXISTS dashboard_facts_trunc ON layers_areasubdivision;
DROP TRIGGER IF EXISTS dashboard_facts_all ON layers_boundarygeneration;
DROP TRIGGER IF EXISTS dashboard_facts_trunc ON layers_boundarygeneration;
DROP FUNCTION IF EXISTS dashboard_facts_items_written();
DROP FUNCTION IF EXISTS dashboard_facts_events_written();
DROP FUNCTION IF EXISTS dashboard_facts_refresh_all();
DROP FUNCTION IF EXISTS dashboard_refresh_facts(bigint[]);
DROP TABLE IF EXISTS dashboard_itemfact;
