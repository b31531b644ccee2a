/** The PostgreSQL NOTIFY channel a bulk run's progress is announced on; the payload is the run's id. */
export const CHECK_RUN_PROGRESS_CHANNEL = "check_run_progress";
