/**
 * The partner scorecard (SPEC section 11): a row per partner over 24 h, 7 days or 30 days, its
 * figures against the in-house teams of its queues, a CSV download, its trend of SLA and answer
 * time per hour or day of the range, and the capacity requests behind them one click away.
 */
import { Fragment, useEffect, useState, type MouseEvent } from 'react';
import { SCORECARD_RANGES, type Scorecard, type ScorecardRange } from '../../../../contracts/scorecard';
import { apiWords, downloadScorecardCsv, fetchScorecard, scorecardCsvPath } from '../../decision-api';
import { HttpError } from '../../api';
import { Link, useSearch } from '../../router';
import { PartnerRequests } from './PartnerRequests';
import { ScorecardRow } from './ScorecardRow';

const RANGE_LABELS: Record<ScorecardRange, string> = { '24h': '24 hours', '7d': '7 days', '30d': '30 days' };

/** The range from `?range=` (default 7d, as the API's). */
export function rangeFromSearch(search: string): ScorecardRange {
  const raw = new URLSearchParams(search).get('range');
  return (SCORECARD_RANGES as readonly string[]).includes(raw ?? '') ? (raw as ScorecardRange) : '7d';
}

export function ScorecardPage({ token, onUnauthorized }: { token: string | null; onUnauthorized: (message: string) => void }) {
  const range = rangeFromSearch(useSearch());
  const [card, setCard] = useState<Scorecard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    setCard(null);
    fetchScorecard(token, range, controller.signal)
      .then(setCard)
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        if (e instanceof HttpError && e.status === 401) onUnauthorized(apiWords(e));
        else setError(apiWords(e));
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token, range]);

  // Cost where the configuration gives partners one: no column of dashes otherwise.
  const showCost = card?.partners.some((p) => p.cost !== null) ?? false;
  const download = (event: MouseEvent<HTMLAnchorElement>): void => {
    event.preventDefault();
    setDownloadError(null);
    downloadScorecardCsv(token, range).catch((e: unknown) => setDownloadError(apiWords(e)));
  };

  return (
    <main className="lead-main decision-main" data-testid="scorecard-page">
      <div className="decision-head">
        <h2>Partner scorecard</h2>
        <nav className="range-tabs" aria-label="Range">
          {SCORECARD_RANGES.map((r) => (
            <Link key={r} to={`/lead/partners?range=${r}`} className="range-tab" ariaCurrent={r === range}>
              {RANGE_LABELS[r]}
            </Link>
          ))}
        </nav>
        <a href={scorecardCsvPath(range)} download onClick={download} className="button-link" data-testid="scorecard-csv">
          Download CSV
        </a>
      </div>
      {downloadError && <p role="alert" className="decision-error">{downloadError}</p>}
      {error && <p role="alert" className="decision-error" data-testid="scorecard-error">{error}</p>}
      {!error && !card && <p className="placeholder">Loading the scorecard…</p>}
      {card && (
        <>
          <p className="decision-note">
            From {new Date(card.from).toLocaleString()} to {new Date(card.to).toLocaleString()}. SLA and wait over the tasks each partner started;
            “in-house” is the in-house teams on the same queues. Requests: capacity requests sent in the range, by their state now.
          </p>
          {card.partners.length === 0 ? (
            <p className="placeholder">No partner is visible to this token.</p>
          ) : (
            <div className="table-scroll">
              <table className="decision-table scorecard-table" data-testid="scorecard-table">
                <thead>
                  <tr>
                    <th scope="col">Partner</th>
                    <th scope="col">Work taken</th>
                    <th scope="col">SLA · in-house</th>
                    <th scope="col">Wait p90</th>
                    <th scope="col" title="answered: accepted / partial / declined; silent; undeliverable">Requests</th>
                    <th scope="col">Acceptance</th>
                    <th scope="col">Answer p50 / p90</th>
                    <th scope="col">Agents committed / requested</th>
                    {showCost && <th scope="col">Cost</th>}
                    <th scope="col">Trend per {range === '24h' ? 'hour' : 'day'}</th>
                    <th scope="col"><span className="visually-hidden">Requests behind the figures</span></th>
                  </tr>
                </thead>
                <tbody>
                  {card.partners.map((p) => (
                    <Fragment key={p.team}>
                      <ScorecardRow score={p} showCost={showCost} trendUnit={range === '24h' ? 'hour' : 'day'} expanded={open === p.team} onToggle={() => setOpen(open === p.team ? null : p.team)} />
                      {open === p.team && (
                        <tr className="requests-row">
                          <td colSpan={showCost ? 11 : 10}>
                            <PartnerRequests token={token} team={p.team} name={p.name} fromIso={card.from} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p className="decision-note">
            Trend: SLA attainment (0 to 100 %) and answer time p50 per {range === '24h' ? 'hour' : 'UTC day'} of the range, oldest on the left; a gap
            means nothing to measure then. “—” means nothing to measure in the range. Cost: the partner's agent-hours in the range times its cost
            per agent-hour, in the organisation's currency.
          </p>
        </>
      )}
    </main>
  );
}
