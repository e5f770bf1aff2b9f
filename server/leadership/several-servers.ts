/**
 * Wires the alerting to a `Leadership` (issue 10, several servers). Embedded: one process, it
 * always leads, as before. Kafka: the alerting starts as a follower, showing what the leader
 * publishes and forwarding acknowledgements and partner answers to it over the server bus; when
 * elected it reloads the capacity requests from the store, goes on from the relayed alert book and
 * runs the loop; when deposed it stops the loop and the deliveries and follows again.
 */
import type { Logger } from 'pino';
import type { Alert, CapacityRequest } from '../../contracts/alerts.js';
import type { ForwardedCommand } from '../../contracts/commands.js';
import type { EventLog } from '../../contracts/event-log.js';
import type { Principal } from '../access.js';
import type { Alerting, Forward } from '../alerts/alerting.js';
import type { AlertingDeps } from '../alerts/create-alerting.js';
import { KafkaLeadership } from './kafka-leadership.js';
import { EmbeddedLeadership, type Leadership } from './leadership.js';
import { KafkaServerBus } from './server-bus.js';

export interface LeadershipWiring {
  leadership: Leadership;
  /** What createAlerting needs to know: whether it starts following, what it publishes. */
  alertingDeps: Pick<AlertingDeps, 'follow' | 'share' | 'publishHeaders'>;
  /** Joins the election (and the bus); the alerting runs while this server leads. */
  start(alerting: Alerting): Promise<void>;
  /** Steps down, then leaves the election and the bus. */
  stop(): Promise<void>;
}

/** One process: it leads from the start. */
export function embeddedLeadership(): LeadershipWiring {
  const leadership = new EmbeddedLeadership();
  return {
    leadership,
    alertingDeps: {},
    start: (alerting) => leadership.start({ elected: async () => alerting.start(), deposed: () => alerting.stop() }),
    stop: () => leadership.stop(),
  };
}

export interface KafkaLeadershipSettings {
  brokers: string;
  log: Pick<EventLog, 'append'>;
  /** The ClickHouse database: the servers sharing it are one deployment with one leader. */
  deployment: string;
  logger: Logger;
  sessionTimeoutMs?: number;
  replyTimeoutMs?: number;
}

/** Several servers on Kafka: one consumer group per deployment elects the leader. */
export function kafkaLeadership(s: KafkaLeadershipSettings): LeadershipWiring {
  const logger = s.logger.child({ component: 'leadership' });
  const bus = new KafkaServerBus({ brokers: s.brokers, log: s.log, deployment: s.deployment, logger, replyTimeoutMs: s.replyTimeoutMs });
  const leadership = new KafkaLeadership({ brokers: s.brokers, group: `ops-leader.${s.deployment}`, logger, sessionTimeoutMs: s.sessionTimeoutMs });
  const forward: Forward = {
    acknowledge: async (id, principal, comment) => (await bus.forward({ type: 'alert.ack', alert_id: id, comment, principal: plain(principal) })) as Alert,
    respond: async (id, principal, body) => (await bus.forward({ type: 'capacity.respond', request_id: id, body, principal: plain(principal) })) as CapacityRequest,
  };
  let starting: Promise<void> | undefined;
  let stopped = false;
  return {
    leadership,
    alertingDeps: {
      follow: forward,
      share: (message) => void bus.publishAlerts(message).catch((err: unknown) => logger.error({ err }, 'the alert book was NOT published; the next evaluation publishes it again')),
      publishHeaders: bus.publishHeaders,
    },
    start(alerting) {
      starting = (async () => {
        await bus.start({
          capacity: (change) => void alerting.desk.mirror(change),
          alerts: (message) => alerting.mirror(message),
          command: (command) => (leadership.leading() ? run(alerting, command) : undefined),
        });
        // NOTE: the desk loaded the store before the bus listened; loading again now misses nothing in between.
        await alerting.desk.restore();
        if (!stopped) await leadership.start({ elected: () => alerting.lead(), deposed: () => alerting.follow(forward) });
      })();
      return starting;
    },
    async stop() {
      stopped = true;
      // A start still joining is let finish (briefly), so that what it joined is left again.
      await Promise.race([starting?.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await leadership.stop();
      await bus.stop();
    },
  };
}

/** A forwarded command, run by the leader as if the call had come to it. */
function run(alerting: Alerting, command: ForwardedCommand): Promise<unknown> {
  // NOTE: the follower authenticated the caller; the command topic is the servers' own.
  const principal = command.principal as Principal;
  if (command.type === 'alert.ack') return alerting.acknowledge(command.alert_id, principal, command.comment);
  return alerting.desk.respond(command.request_id, principal, command.body);
}

function plain(p: Principal): ForwardedCommand['principal'] {
  return { name: p.name, role: p.role, ...(p.team !== undefined && { team: p.team }), ...(p.teams !== undefined && { teams: p.teams }), ...(p.sites !== undefined && { sites: p.sites }) };
}
