/**
 * Wires chat notifications to the alerting: a notifier watching its change lists, a delivery that
 * posts signed messages, and a timer that sends quiet-hours summaries once they end. Nothing runs
 * when no team has `chat`.
 */
import { systemClock, type Clock } from '../../contracts/clock.js';
import type { OpsConfig } from '../../contracts/config.js';
import type { Alert } from '../../contracts/alerts.js';
import { DEFAULT_DELIVERY, type DeliveryPolicy } from '../capacity/webhook-delivery.js';
import { ChatDelivery, type ChatDeliveryOptions, type ChatGiveUp } from './chat-delivery.js';
import { ChatNotifier } from './chat-notifier.js';

export interface ChatNoticesDeps {
  config: OpsConfig;
  /** The alert lists as they change, and the list as it stands now. */
  alerting: { onChange(listener: (alerts: Alert[]) => void): () => void; alerts(): Alert[] };
  /** Whether this server runs the alerting now. */
  leading(): boolean;
  /** A chat signing secret by the name of its environment variable. */
  secret(envName: string): string | undefined;
  /** Domain time: quiet hours. */
  clock: Clock;
  /** Real time for signature timestamps (default the machine's). */
  wallClock?: Clock;
  fetch?: typeof fetch;
  random?: () => number;
  /** The capacity requests' policy unless tests say otherwise. */
  delivery?: Partial<DeliveryPolicy>;
  /** How often ended quiet hours are looked for (default 60 s). */
  checkEveryMs?: number;
  logger: ChatDeliveryOptions['logger'];
  /** A message given up on: the audit trail records it. */
  onGiveUp?(giveUp: ChatGiveUp): void;
}

export interface ChatNotices {
  notifier: ChatNotifier;
  delivery: ChatDelivery;
  /** Stops watching and cuts deliveries short. */
  close(): Promise<void>;
}

/** Starts chat notifications for the teams that have a chat channel. */
export function startChatNotices(d: ChatNoticesDeps): ChatNotices {
  const delivery = new ChatDelivery({
    secret: d.secret,
    wallClock: d.wallClock ?? systemClock,
    fetch: d.fetch ?? fetch,
    random: d.random ?? Math.random,
    policy: { ...DEFAULT_DELIVERY, ...d.delivery },
    logger: d.logger,
    onGiveUp: d.onGiveUp,
  });
  const notifier = new ChatNotifier({ config: d.config, clock: d.clock, leading: d.leading, send: (post) => delivery.send(post), logger: d.logger }, d.alerting.alerts());
  if (!notifier.enabled) return { notifier, delivery, close: () => delivery.close() };
  // NOTE: a listener that threw would stop the alerting's announcement half way: chat never does.
  const guarded = (what: string, run: () => void) => {
    try {
      run();
    } catch (err) {
      d.logger.error({ err }, `chat: ${what} failed; alerting goes on`);
    }
  };
  const unsubscribe = d.alerting.onChange((alerts) => guarded('a change', () => notifier.observe(alerts)));
  const timer = setInterval(() => guarded('the quiet hours check', () => notifier.tick()), d.checkEveryMs ?? 60_000);
  timer.unref?.();
  return {
    notifier,
    delivery,
    async close() {
      clearInterval(timer);
      unsubscribe();
      await delivery.close();
    },
  };
}
