/**
 * The scorecard as CSV (RFC 4180): a header row of SCORECARD_CSV_COLUMNS, then one row per partner,
 * CRLF line ends. No CSV library is a dependency, and writing it takes one quoting rule: a field
 * holding a comma, a double quote, CR or LF is put in double quotes, its quotes doubled.
 */
import { SCORECARD_CSV_COLUMNS, type PartnerScore, type Scorecard } from '../../contracts/scorecard.js';

type Cell = string | number | null;

/** One field as RFC 4180 writes it; null is the empty field. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function rowOf(card: Scorecard, p: PartnerScore): Record<(typeof SCORECARD_CSV_COLUMNS)[number], Cell> {
  const r = p.requests;
  return {
    range: card.range,
    from: card.from,
    to: card.to,
    team: p.team,
    name: p.name,
    // NOTE: a list in one flat field, `;`-separated (config ids are free of it in practice; the JSON has the list).
    queues: p.queues.join(';'),
    requests_total: r.total,
    requests_accepted: r.accepted,
    requests_partial: r.partial,
    requests_declined: r.declined,
    requests_no_answer: r.no_answer,
    requests_undeliverable: r.undeliverable,
    acceptance_rate: p.acceptance_rate,
    answer_seconds_p50: p.answer_seconds_p50,
    answer_seconds_p90: p.answer_seconds_p90,
    agents_requested: p.agents_requested,
    agents_committed: p.agents_committed,
    share_of_starts: p.share_of_starts,
    sla_attainment: p.sla_attainment,
    wait_p90_seconds: p.wait_p90_seconds,
    inhouse_sla_attainment: p.inhouse_sla_attainment,
    cost: p.cost,
  };
}

/** The whole scorecard as CSV text (a header row even when there is no partner). */
export function scorecardCsv(card: Scorecard): string {
  const lines = [SCORECARD_CSV_COLUMNS.join(',')];
  for (const p of card.partners) {
    const row = rowOf(card, p);
    lines.push(SCORECARD_CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
