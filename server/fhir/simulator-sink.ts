/**
 * `SIMULATOR_FORMAT=fhir`: where the simulator's batches go instead of the event log. Task events
 * become FHIR Task versions in a subscription-notification Bundle, taken by the same FHIR ingest
 * as `POST /fhir` (translation, validation, deterministic `fhir:` ids, stored before it returns);
 * staffing, which has no Task form, is appended as events, as the simulator does otherwise.
 */
import type { Logger } from 'pino';
import type { OpsConfig } from '../../contracts/config.js';
import type { EventLog, LogMessage } from '../../contracts/event-log.js';
import { eventKey, type OpsEvent } from '../../contracts/events.js';
import { EVENTS_TOPIC } from '../../contracts/topics.js';
import { FhirTaskSource } from '../../seed/fhir-task-source.js';
import type { CarriedTask } from '../../seed/model-parts.js';
import { MAX_BUNDLE_ENTRIES, type FhirIngest } from './fhir-ingest.js';

export interface FhirSimulatorSinkDeps {
  config: OpsConfig;
  log: Pick<EventLog, 'append'>;
  /** The FHIR ingest, once the app that owns it exists (the simulator is wired before it). */
  fhir: () => FhirIngest;
  logger: Pick<Logger, 'warn'>;
  carryOver?: readonly CarriedTask[];
}

/** An event log for the simulator that sends its task events as FHIR Task notifications. */
export function fhirSimulatorSink(deps: FhirSimulatorSinkDeps): Pick<EventLog, 'append'> {
  const source = new FhirTaskSource(deps.config, deps.carryOver);
  // NOTE: one Task version per task event, and the notification's status entry: a chunk fits a Bundle.
  const chunk = MAX_BUNDLE_ENTRIES - 1;
  return {
    async append(_topic: string, messages: LogMessage[]) {
      const events = messages.map((m) => JSON.parse(m.value) as OpsEvent);
      for (let from = 0; from < events.length; from += chunk) {
        const batch = source.prepare(events.slice(from, from + chunk));
        if (batch.staffing.length > 0) {
          await deps.log.append(EVENTS_TOPIC, batch.staffing.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })));
        }
        if (batch.bundle) {
          const answer = await deps.fhir().bundle(batch.bundle);
          if (answer.errors.length > 0) deps.logger.warn({ count: answer.errors.length, first: answer.errors.slice(0, 5) }, 'simulator: the FHIR ingest refused Task versions');
        }
        batch.commit();
      }
      return new Map<number, number>();
    },
  };
}
