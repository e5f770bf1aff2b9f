/**
 * The what-if page's scenarios as a lead edits them, kept apart from React: a draft starts from a
 * preset and changes queues one by one; `requestOf` turns the drafts into the body of
 * `POST /api/what-if` (SPEC section 12). Sensitive queues never carry a partner share.
 */
import type { AgentsChoice, QueueScenario, Scenario, WhatIfSetup } from '../../contracts/what-if';

export const MIN_SCENARIOS = 2;
export const MAX_SCENARIOS = 4;
/** The seed sent with every run: the same scenarios give the same answer. */
export const WHAT_IF_SEED = 7;

export interface ScenarioDraft {
  /** Stable key for React while names change. */
  key: number;
  /** The preset it started from. */
  preset: string;
  name: string;
  /** Per queue id; a queue missing keeps `recorded` with the recorded split. */
  queues: Record<string, QueueScenario>;
  /** Partner teams unavailable in this scenario (business continuity). */
  drop: string[];
}

let nextKey = 1;

/** A draft that is a copy of preset `presetName` (the first preset when unknown), named uniquely among `taken`. */
export function draftFromPreset(setup: WhatIfSetup, presetName: string, taken: readonly string[]): ScenarioDraft {
  const preset = setup.presets.find((p) => p.name === presetName) ?? setup.presets[0];
  return { key: nextKey++, preset: preset.name, name: uniqueName(preset.name, taken), queues: structuredClone(preset.queues), drop: [...(preset.drop_partners ?? [])] };
}

/** `base`, or `base (2)`, `base (3)`... whichever `taken` does not hold. */
export function uniqueName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base} (${n})`)) return `${base} (${n})`;
}

/**
 * The draft for a new period: when its queues are still those of its preset in `before`, the
 * preset's queues in `after` (presets follow the period's arrivals); otherwise the draft as it is.
 */
export function followPreset(draft: ScenarioDraft, before: WhatIfSetup | null, after: WhatIfSetup): ScenarioDraft {
  const was = before?.presets.find((p) => p.name === draft.preset);
  const now = after.presets.find((p) => p.name === draft.preset);
  if (!was || !now || JSON.stringify(was.queues) !== JSON.stringify(draft.queues)) return draft;
  return { ...draft, queues: structuredClone(now.queues) };
}

/** The opening comparison of issue 11: "as today" against "hybrid". */
export function initialDrafts(setup: WhatIfSetup): ScenarioDraft[] {
  const first = draftFromPreset(setup, setup.presets[0]?.name ?? '', []);
  const hybrid = setup.presets.find((p) => p.name.startsWith('hybrid')) ?? setup.presets[1] ?? setup.presets[0];
  return [first, draftFromPreset(setup, hybrid.name, [first.name])];
}

/** The queue's setting in a draft (as recorded when the draft does not name it). */
export function queueSetting(draft: ScenarioDraft, queue: string): QueueScenario {
  return draft.queues[queue] ?? { agents: 'recorded' };
}

/** The draft with one queue's agents or partner share changed (`partner_share` undefined: as recorded). */
export function withQueue(draft: ScenarioDraft, queue: string, change: { agents?: AgentsChoice; partner_share?: number | null }): ScenarioDraft {
  const current = queueSetting(draft, queue);
  const next: QueueScenario = { agents: change.agents ?? current.agents };
  const share = change.partner_share === undefined ? current.partner_share : change.partner_share ?? undefined;
  if (share !== undefined) next.partner_share = share;
  return { ...draft, queues: { ...draft.queues, [queue]: next } };
}

/** The request body; a queue left as recorded is not named. */
export function requestOf(setup: WhatIfSetup, drafts: readonly ScenarioDraft[]): { from: string; to: string; seed: number; scenarios: Scenario[] } {
  const sensitive = new Set(setup.queues.filter((q) => q.sensitive).map((q) => q.id));
  return {
    from: setup.from,
    to: setup.to,
    seed: WHAT_IF_SEED,
    scenarios: drafts.map((d) => ({
      name: d.name.trim(),
      queues: Object.fromEntries(
        Object.entries(d.queues)
          .filter(([, q]) => !(q.agents === 'recorded' && q.partner_share === undefined))
          // NOTE: the controls never let a sensitive queue get a share; this keeps a preset's 0.
          .map(([id, q]) => [id, sensitive.has(id) && q.partner_share ? { agents: q.agents, partner_share: 0 } : q]),
      ),
      ...(d.drop.length > 0 ? { drop_partners: [...d.drop] } : {}),
    })),
  };
}
