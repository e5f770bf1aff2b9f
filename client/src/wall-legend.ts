/**
 * What every mark of the wall means, in one place: the `/wall/legend` page renders it, and the
 * README's "What the wall's colours mean" carries the same two tables (test/wall-legend.test.ts
 * holds them together). Text in backticks names a config field or a snapshot figure.
 */
import type { SlaLevel, SlaStatus } from './format';

/** Each badge of `slaStatus`, worst first: the first that applies is the one shown. */
export const STATUS_LEGEND: readonly { level: SlaLevel; label: SlaStatus['label']; when: string }[] = [
  {
    level: 'red',
    label: 'Breaching',
    when: "a waiting task is past the queue's SLA target now (`breached` > 0), or SLA attainment in the window is below the red line (the queue's `thresholds.red_below`; default goal - 10 points)",
  },
  {
    level: 'amber',
    label: 'At risk',
    when: 'SLA attainment is below the goal (the amber line, `thresholds.amber_below`; default the goal), tasks wait over 80% of the target (`at_risk` > 0), or a demand-peak alert fires on the queue',
  },
  { level: 'green', label: 'On target', when: 'attainment meets the goal and none of the above' },
  { level: 'neutral', label: 'No starts yet', when: 'no task started in the window and none of the above' },
];

/** The colour of a level in words, as the README's table names it. */
export const LEVEL_WORDS: Record<SlaLevel, string> = { red: 'red', amber: 'amber', green: 'green', neutral: 'grey' };

/** The tile's other marks. */
export const MARK_LEGEND: readonly { mark: string; means: string }[] = [
  { mark: "the tile's left edge", means: "the badge's colour" },
  { mark: 'N breached, N at risk (with an icon when not 0)', means: 'tasks waiting past the target now, and over 80% of it' },
  { mark: 'breach in N min, breach within 1 min, breaching now', means: 'when a waiting task is expected to pass the target at the current pace ("breaching now": one has passed it)' },
  { mark: 'the oldest wait in amber or red', means: 'the oldest waiting task is past 80% of the target, or past it' },
  { mark: 'the SLA figure in red, amber or green', means: 'SLA attainment alone against the lines above; the badge weighs everything' },
  { mark: 'Agents/need in red', means: 'fewer agents staffed than Erlang C needs for the forecast' },
];

/** Splits text on backticks: odd parts are code. */
export function codeParts(text: string): { text: string; code: boolean }[] {
  return text.split('`').map((part, i) => ({ text: part, code: i % 2 === 1 })).filter((part) => part.text !== '');
}
