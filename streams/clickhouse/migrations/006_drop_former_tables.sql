-- The tables migration 004 copied from, dropped in a migration of their own: had 004 dropped them
-- itself, a run cut short after a DROP could not copy from them when it ran again (the version is
-- recorded only once every statement of a file succeeded).
DROP TABLE IF EXISTS {db}.window_facts;
DROP TABLE IF EXISTS {db}.open_counts;
DROP TABLE IF EXISTS {db}.waiting;
DROP TABLE IF EXISTS {db}.minute_counts;
DROP TABLE IF EXISTS {db}.task_state;
