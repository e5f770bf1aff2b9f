/** The Kafka topics of the contract (SPEC sections 2 and 6). */

/** Task and staffing events, keyed by `task_id` (staffing: `staffing:<queue>:<team>`). */
export const EVENTS_TOPIC = 'ops.task-events';
/** Records the stream worker could not accept, with the reason. */
export const DLQ_TOPIC = 'ops.task-events.dlq';
/** Every state change of a capacity request, keyed by `request_id`. */
export const CAPACITY_TOPIC = 'ops.capacity-requests';
/**
 * The alert book as the leading server holds it (open alerts with where their lifecycle stands,
 * and recently resolved ones), keyed `alert-book.<database>`: the other servers relay it to their screens and
 * a server that takes the lead goes on from it.
 */
export const ALERTS_TOPIC = 'ops.alerts';
/** One partition: the server whose consumer holds it (group `ops-leader.<database>`) leads. */
export const LEADER_TOPIC = 'ops.leader';
/** Partner answers and lead acknowledgements a follower took, for the leader; keyed by command id. */
export const COMMANDS_TOPIC = 'ops.commands';
/** The leader's answers to forwarded commands, keyed by the server that forwarded them. */
export const COMMAND_REPLIES_TOPIC = 'ops.command-replies';
