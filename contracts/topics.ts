/** The Kafka topics of the contract (SPEC sections 2 and 6). */

/** Task and staffing events, keyed by `task_id` (staffing: `staffing:<queue>:<team>`). */
export const EVENTS_TOPIC = 'ops.task-events';
/** Records the stream worker could not accept, with the reason. */
export const DLQ_TOPIC = 'ops.task-events.dlq';
/** Every state change of a capacity request, keyed by `request_id`. */
export const CAPACITY_TOPIC = 'ops.capacity-requests';
