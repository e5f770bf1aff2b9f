/**
 * The metrics from the FHIR path equal those from the same work sent as our events: random work
 * (fast-check) is sent once as FHIR Task versions in subscription notifications to one product
 * and once as events to another (both embedded, same fixed clock), and `GET /api/metrics`
 * answers the same on both, run after run.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { fhirConfig, notification } from './support/fhir-tasks.js';
import { asEvents, asTaskVersions, workArb, type Work } from './support/fhir-work.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { REF_NOW } from './support/random-events.js';

const config = configWithAccess(fhirConfig());

const post = async (url: string, body: unknown, type: string) => {
  const res = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${TOKENS.ingest}`, 'Content-Type': type }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { entry?: { response: { status: string } }[]; rejected?: unknown[] } };
};
const metrics = async (h: Harness) => {
  const res = await fetch(`${h.url}/api/metrics`, { headers: { Authorization: `Bearer ${TOKENS.viewer}` } });
  return res.json();
};

it('answers the same metrics for random work sent as FHIR Task versions and as events', async () => {
  let arrivals = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(workArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 25 }), async (work, perNotification) => {
      // NOTE: two fresh products per run: a shrunk counterexample then shows the work that differs alone.
      const [viaFhir, viaEvents] = await Promise.all([startHarness(config, () => REF_NOW), startHarness(config, () => REF_NOW)]);
      try {
        await sendBoth(viaFhir, viaEvents, work, perNotification);
        const [fromFhir, fromEvents] = await Promise.all([metrics(viaFhir), metrics(viaEvents)]);
        expect(fromFhir).toEqual(fromEvents);
        arrivals += fromFhir.totals.arrivals;
      } finally {
        await Promise.all([viaFhir.close(), viaEvents.close()]);
      }
    }),
    { numRuns: 20 },
  );
  expect(arrivals).toBeGreaterThan(0);
});

/** Sends `work` to one product as FHIR Task versions and to the other as events. */
async function sendBoth(viaFhir: Harness, viaEvents: Harness, work: Work[], perNotification: number): Promise<void> {
  const events = work.flatMap((w, i) => asEvents(`w${i}`, w));
  // Versions in the order the source changed them, a few per notification, as rest-hooks deliver.
  const versions = work.flatMap((w, i) => asTaskVersions(`w${i}`, w)).sort((a, b) => Date.parse(a.lastModified!) - Date.parse(b.lastModified!));
  const sentEvents = await post(`${viaEvents.url}/api/events`, events, 'application/json');
  expect(sentEvents.body.rejected).toEqual([]);
  for (let from = 0; from < versions.length; from += perNotification) {
    const answer = await post(`${viaFhir.url}/fhir`, notification(versions.slice(from, from + perNotification)), 'application/fhir+json');
    expect(answer.body.entry!.every((e) => e.response.status === '200 OK')).toBe(true);
  }
}
