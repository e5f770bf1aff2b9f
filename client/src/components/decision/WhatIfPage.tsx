/**
 * The operating-model what-if (SPEC section 12): a lead builds two to four scenarios from the
 * presets, picks the last 24 hours or 7 days, runs them, and compares them side by side (a table,
 * SLA attainment against cost, the calibration and why the numbers differ).
 */
import { useEffect, useRef, useState } from 'react';
import { WHAT_IF_PERIODS, type WhatIfAnswer, type WhatIfPeriod, type WhatIfSetup } from '../../../../contracts/what-if';
import { HttpError } from '../../api';
import { apiWords, fetchWhatIfSetup, runWhatIf } from '../../decision-api';
import { draftFromPreset, followPreset, initialDrafts, MAX_SCENARIOS, MIN_SCENARIOS, requestOf, type ScenarioDraft } from '../../what-if-draft';
import { ScenarioEditor } from './ScenarioEditor';
import { WhatIfResults } from './WhatIfResults';

const PERIOD_LABELS: Record<WhatIfPeriod, string> = { '24h': 'Last 24 hours', '7d': 'Last 7 days' };

interface Ran {
  answer: WhatIfAnswer;
  request: ReturnType<typeof requestOf>;
}

export function WhatIfPage({ token, onUnauthorized }: { token: string | null; onUnauthorized: (message: string) => void }) {
  const [period, setPeriod] = useState<WhatIfPeriod>('24h');
  const [setup, setSetup] = useState<WhatIfSetup | null>(null);
  const [drafts, setDrafts] = useState<ScenarioDraft[]>([]);
  const [setupError, setSetupError] = useState<string | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [ran, setRan] = useState<Ran | null>(null);
  const running$ = useRef<AbortController | null>(null);

  const refused = (e: unknown, set: (m: string) => void): void => {
    if (e instanceof HttpError && e.status === 401) onUnauthorized(apiWords(e));
    else set(apiWords(e));
  };

  // The period decides the presets (they follow its arrivals); the drafts start afresh only once.
  useEffect(() => {
    const controller = new AbortController();
    setSetupError(null);
    fetchWhatIfSetup(token, period, controller.signal)
      .then((next) => {
        setSetup((previous) => {
          // A draft still as its preset left it follows the new period's preset; an edited one stays.
          setDrafts((current) => (current.length > 0 ? current.map((d) => followPreset(d, previous, next)) : initialDrafts(next)));
          return next;
        });
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) refused(e, setSetupError);
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token, period]);
  useEffect(() => () => running$.current?.abort(), []);

  const run = (): void => {
    if (!setup) return;
    running$.current?.abort();
    const controller = new AbortController();
    running$.current = controller;
    const request = requestOf(setup, drafts);
    setRunError(null);
    setRunning(true);
    runWhatIf(token, request, controller.signal)
      .then((answer) => setRan({ answer, request }))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) refused(e, setRunError);
      })
      .finally(() => {
        if (running$.current === controller) setRunning(false);
      });
  };
  const replace = (i: number, next: ScenarioDraft): void => setDrafts((ds) => ds.map((d, j) => (j === i ? next : d)));
  const add = (): void => {
    if (setup) setDrafts((ds) => [...ds, draftFromPreset(setup, setup.presets[ds.length % setup.presets.length].name, ds.map((d) => d.name))]);
  };

  return (
    <main className="lead-main decision-main" data-testid="what-if-page">
      <div className="decision-head">
        <h2>Operating-model what-if</h2>
        <fieldset className="chip-group period-choice">
          <legend>Period</legend>
          {WHAT_IF_PERIODS.map((p) => (
            <button key={p} type="button" className="chip" aria-pressed={p === period} onClick={() => setPeriod(p)} data-period={p}>
              {PERIOD_LABELS[p]}
            </button>
          ))}
        </fieldset>
      </div>
      <p className="decision-note">
        Replays the tasks that arrived in the period through a queueing model under each scenario. Start from a preset, then change queues:
        agents as recorded, staffed to the goal by Erlang C every 15 minutes, or a fixed number; and the partners' share of them.
      </p>
      {setupError && <p role="alert" className="decision-error">{setupError}</p>}
      {!setup && !setupError && <p className="placeholder">Loading the queues and presets…</p>}
      {setup && (
        <>
          <div className="scenario-list">
            {drafts.map((d, i) => (
              <ScenarioEditor
                key={d.key}
                index={i}
                draft={d}
                setup={setup}
                taken={drafts.filter((x) => x !== d).map((x) => x.name)}
                onChange={(next) => replace(i, next)}
                onRemove={drafts.length > MIN_SCENARIOS ? () => setDrafts((ds) => ds.filter((x) => x !== d)) : undefined}
              />
            ))}
          </div>
          <div className="run-bar">
            {drafts.length < MAX_SCENARIOS && (
              <button type="button" className="secondary-button" onClick={add}>
                Add a scenario
              </button>
            )}
            <button type="button" className="primary-button" onClick={run} disabled={running} data-testid="what-if-run">
              {running ? 'Running…' : `Compare ${drafts.length} scenarios`}
            </button>
            <span className="decision-note">
              {PERIOD_LABELS[setup.period]}: {new Date(setup.from).toLocaleString()} to {new Date(setup.to).toLocaleString()}
            </span>
          </div>
          {runError && (
            <p role="alert" className="decision-error" data-testid="what-if-error">
              {runError}
            </p>
          )}
          {ran && <WhatIfResults answer={ran.answer} sent={ran.request.scenarios} setup={setup} stale={running} />}
        </>
      )}
    </main>
  );
}
