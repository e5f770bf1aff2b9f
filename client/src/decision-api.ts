/**
 * The calls of the lead view's decision pages: the partner scorecard (SPEC section 11) and the
 * operating-model what-if (SPEC section 12). Every answer is checked against its zod contract.
 */
import { capacityRequestSchema, type CapacityRequest } from '../../contracts/alerts';
import { meSchema, type Me } from '../../contracts/me';
import { scorecardSchema, type Scorecard, type ScorecardRange } from '../../contracts/scorecard';
import { whatIfAnswerSchema, whatIfSetupSchema, type Scenario, type WhatIfAnswer, type WhatIfPeriod, type WhatIfSetup } from '../../contracts/what-if';
import { getJson, HttpError } from './api';
import { z } from 'zod';

/** The what-if replays up to a week of arrivals: the API has 10 s, the page waits longer. */
const WHAT_IF_TIMEOUT_MS = 60_000;

/** The API's own words of a refusal ("400 scenarios.1.queues.x: ..." -> "scenarios.1.queues.x: ..."). */
export function apiWords(error: unknown): string {
  if (error instanceof HttpError) return error.message.replace(/^\d{3} /, '');
  if (error instanceof Error && error.name === 'AbortError') return 'The server took too long to answer.';
  if (error instanceof z.ZodError) return 'The server answered in an unexpected shape.';
  return error instanceof Error ? error.message : String(error);
}

/** `GET /api/me`: the token's role (and a partner's team), so the header offers only what it can open. */
export async function fetchMe(token: string | null, signal?: AbortSignal): Promise<Me> {
  return meSchema.parse(await getJson('/api/me', token, signal));
}

/** `GET /api/partners/scorecard?range=`: every partner the token may see (a partner token: itself). */
export async function fetchScorecard(token: string | null, range: ScorecardRange, signal?: AbortSignal): Promise<Scorecard> {
  return scorecardSchema.parse(await getJson(`/api/partners/scorecard?range=${range}`, token, signal));
}

/** The CSV path of a range (the download adds the token itself). */
export const scorecardCsvPath = (range: ScorecardRange): string => `/api/partners/scorecard?range=${range}&format=csv`;

/** Downloads the scorecard's CSV with the bearer token, as the file the server names. */
export async function downloadScorecardCsv(token: string | null, range: ScorecardRange): Promise<void> {
  const response = await fetch(scorecardCsvPath(range), { headers: { Accept: 'text/csv', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, cache: 'no-store' });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
    throw new HttpError(response.status, `${response.status} ${typeof body?.error === 'string' ? body.error : response.statusText}`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `partner-scorecard-${range}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const requestsSchema = z.object({ requests: z.array(capacityRequestSchema) });

/** `GET /api/capacity-requests`, validated: newest first. */
export async function fetchRequestsChecked(token: string | null, signal?: AbortSignal): Promise<CapacityRequest[]> {
  return requestsSchema.parse(await getJson('/api/capacity-requests', token, signal)).requests;
}

/** `GET /api/what-if/setup?period=`: the period, the queues (which are sensitive) and the presets. */
export async function fetchWhatIfSetup(token: string | null, period: WhatIfPeriod, signal?: AbortSignal): Promise<WhatIfSetup> {
  return whatIfSetupSchema.parse(await getJson(`/api/what-if/setup?period=${period}`, token, signal));
}

/** `POST /api/what-if`: the scenarios replayed over the period. */
export async function runWhatIf(
  token: string | null,
  request: { from: string; to: string; seed: number; scenarios: Scenario[] },
  signal?: AbortSignal,
): Promise<WhatIfAnswer> {
  return whatIfAnswerSchema.parse(await getJson('/api/what-if', token, signal, request, WHAT_IF_TIMEOUT_MS));
}
