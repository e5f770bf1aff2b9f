/**
 * One scenario being built: a name, the preset it starts from, and per queue the agents (as
 * recorded, Erlang C, or a fixed number) and the partners' share. A sensitive queue's share is
 * disabled, and the reason is said next to it.
 */
import type { AgentsChoice, WhatIfSetup } from '../../../../contracts/what-if';
import { formatCount } from '../../format';
import { draftFromPreset, queueSetting, withQueue, type ScenarioDraft } from '../../what-if-draft';

type AgentsMode = 'recorded' | 'erlang' | 'fixed';
const modeOf = (agents: AgentsChoice): AgentsMode => (typeof agents === 'number' ? 'fixed' : agents);

export function ScenarioEditor(props: {
  index: number;
  draft: ScenarioDraft;
  setup: WhatIfSetup;
  taken: string[];
  onChange: (next: ScenarioDraft) => void;
  onRemove?: () => void;
}) {
  const { index, draft, setup, taken, onChange, onRemove } = props;
  const id = `scenario-${draft.key}`;
  const nameClash = taken.includes(draft.name.trim());
  return (
    <fieldset className="scenario panel" data-scenario={index}>
      <legend>Scenario {index + 1}</legend>
      <div className="scenario-head">
        <label htmlFor={`${id}-preset`}>Preset</label>
        <select id={`${id}-preset`} value={draft.preset} onChange={(e) => onChange({ ...draftFromPreset(setup, e.target.value, taken), key: draft.key })}>
          {setup.presets.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
        {onRemove ? (
          <button type="button" className="link-button" onClick={onRemove}>
            Remove
          </button>
        ) : (
          <span />
        )}
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={draft.name} maxLength={80} onChange={(e) => onChange({ ...draft, name: e.target.value })} aria-invalid={nameClash} />
      </div>
      {nameClash && <p className="decision-error">Another scenario has this name.</p>}
      <table className="decision-table scenario-queues">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Agents</th>
            <th scope="col">Partner share</th>
          </tr>
        </thead>
        <tbody>
          {setup.queues.map((q) => {
            const setting = queueSetting(draft, q.id);
            const mode = modeOf(setting.agents);
            const reason = `${id}-${q.id}-why`;
            return (
              <tr key={q.id} data-queue={q.id}>
                <th scope="row">
                  {q.name}
                  <span className="queue-volume">{formatCount(q.arrivals)} tasks</span>
                </th>
                <td className="agents-cell">
                  <select
                    aria-label={`${q.name}: agents`}
                    value={mode}
                    onChange={(e) => {
                      const next = e.target.value as AgentsMode;
                      onChange(withQueue(draft, q.id, { agents: next === 'fixed' ? 10 : next }));
                    }}
                  >
                    <option value="recorded">as recorded</option>
                    <option value="erlang">Erlang C to the goal</option>
                    <option value="fixed">fixed number</option>
                  </select>
                  {mode === 'fixed' && (
                    <input
                      type="number"
                      min={0}
                      max={10000}
                      step={1}
                      aria-label={`${q.name}: number of agents`}
                      value={setting.agents as number}
                      onChange={(e) => onChange(withQueue(draft, q.id, { agents: Math.max(0, Math.round(Number(e.target.value) || 0)) }))}
                    />
                  )}
                </td>
                <td className="share-cell">
                  <input
                    type="number"
                    min={0}
                    max={100}
                    step={5}
                    aria-label={`${q.name}: partner share in percent`}
                    aria-describedby={q.sensitive ? reason : undefined}
                    placeholder="as recorded"
                    disabled={q.sensitive}
                    value={setting.partner_share === undefined ? '' : Math.round(setting.partner_share * 100)}
                    onChange={(e) => {
                      const raw = e.target.value;
                      const share = raw === '' ? null : Math.min(100, Math.max(0, Number(raw) || 0)) / 100;
                      onChange(withQueue(draft, q.id, { partner_share: share }));
                    }}
                  />
                  <span className="unit">%</span>
                  {q.sensitive && (
                    <span id={reason} className="sensitive-reason">
                      Sensitive: must stay in-house
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {setup.partners.length > 0 && (
        <fieldset className="drop-partners">
          <legend>Partners unavailable (their agents go to the next partner of the queue, else in-house)</legend>
          {setup.partners.map((p) => (
            <label key={p.id} className="drop-partner">
              <input
                type="checkbox"
                checked={draft.drop.includes(p.id)}
                onChange={(e) => onChange({ ...draft, drop: e.target.checked ? [...draft.drop, p.id] : draft.drop.filter((x) => x !== p.id) })}
                data-drop={p.id}
              />
              {p.name}
            </label>
          ))}
        </fieldset>
      )}
    </fieldset>
  );
}
