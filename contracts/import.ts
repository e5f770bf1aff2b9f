/**
 * The history import contract (`POST /api/import`, `npm run import`): how a CSV export's columns
 * map onto task events, and the summary an import answers with. NDJSON imports carry our events
 * as they are; a CSV row is one task, and becomes the events its times imply.
 */
import { z } from 'zod';
import { quoteIfOpaque } from './issues.js';

/** The fields a CSV export can fill; `--map field=column`. */
export const IMPORT_FIELDS = ['task_id', 'queue', 'team', 'priority', 'created_at', 'assigned_at', 'started_at', 'completed_at', 'cancelled_at'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** The fields every row needs, from a column or (queue, team, priority) a default. */
export const REQUIRED_FIELDS: readonly ImportField[] = ['task_id', 'queue', 'created_at'];
/** The fields that may have a default for rows whose column is absent or empty. */
export const DEFAULTABLE_FIELDS = ['queue', 'team', 'priority'] as const;
export type DefaultableField = (typeof DEFAULTABLE_FIELDS)[number];

/** The rejected lines an answer lists; `rejected_count` counts them all. */
export const MAX_REJECTED_LISTED = 1000;

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** How a CSV export becomes events. */
export interface CsvMapping {
  /** Field -> the header name of its column. */
  columns: Partial<Record<ImportField, string>>;
  /** Values of the queue column -> queue ids (a value not listed is taken as a queue id). */
  queues: Map<string, string>;
  /** Values of the team column -> team ids (a value not listed is taken as a team id). */
  teams: Map<string, string>;
  /** For rows whose column is absent or empty. */
  defaults: Partial<Record<DefaultableField, string>>;
  /** IANA zone for times written without an offset (`2026-11-02 09:15`); absent: such times are rejected. */
  timeZone?: string;
}

/** What an import answers (and the command prints): events, and rows or lines, by outcome. */
export interface ImportSummary {
  format: ImportFormat;
  /** CSV rows or NDJSON lines read (the header and blank lines not counted). */
  records: number;
  /** Events those records gave (a CSV row gives one to five). */
  events: number;
  accepted: number;
  duplicates: number;
  /** The first MAX_REJECTED_LISTED rejected lines: `line` as an editor counts (1-based; a CSV header is line 1). */
  rejected: { line: number; reason: string }[];
  rejected_count: number;
}

/** `a=b,c=d` -> [["a","b"],["c","d"]]; blanks around names are trimmed. Throws a message naming `what` on a malformed pair. */
export function parsePairs(text: string, what: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (key === '' || value === '') throw new Error(`${what}: each entry is name=value, separated by commas`);
    pairs.push([key, value]);
  }
  return pairs;
}

/** The import's query string (HTTP) or options (command line), before they are checked against the config. */
export const importQuerySchema = z.strictObject({
  format: z.enum(IMPORT_FORMATS).optional(),
  /** `field=column,...` */
  map: z.string().max(4000).optional(),
  /** `export value=queue id,...` */
  queues: z.string().max(20_000).optional(),
  /** `export value=team id,...` */
  teams: z.string().max(20_000).optional(),
  /** `queue=id,team=id,priority=n` */
  defaults: z.string().max(1000).optional(),
  time_zone: z.string().min(1).max(64).optional(),
  /** The file's name: only its SHA-256 is kept (on the audit trail). */
  name: z.string().max(1000).optional(),
});
export type ImportQuery = z.infer<typeof importQuerySchema>;

/** Builds the CSV mapping from the query; throws Error with a message naming the parameter on a bad one. */
export function csvMappingOf(query: ImportQuery): CsvMapping {
  const columns: CsvMapping['columns'] = {};
  for (const [field, column] of parsePairs(query.map ?? '', 'map')) {
    if (!(IMPORT_FIELDS as readonly string[]).includes(field)) {
      throw new Error(`map: ${quoteIfOpaque(field) ?? 'a name'} is not a field an export can fill (${IMPORT_FIELDS.join(', ')})`);
    }
    if (columns[field as ImportField] !== undefined) throw new Error(`map: ${field} is mapped twice`);
    columns[field as ImportField] = column;
  }
  const defaults: CsvMapping['defaults'] = {};
  for (const [field, value] of parsePairs(query.defaults ?? '', 'defaults')) {
    if (!(DEFAULTABLE_FIELDS as readonly string[]).includes(field)) throw new Error(`defaults: only ${DEFAULTABLE_FIELDS.join(', ')} may have a default`);
    defaults[field as DefaultableField] = value;
  }
  const missing = REQUIRED_FIELDS.filter((f) => columns[f] === undefined && (f !== 'queue' || defaults.queue === undefined));
  if (missing.length > 0) throw new Error(`map: ${missing.join(', ')} must be mapped to a column (e.g. map=task_id=id,queue=category,created_at=opened)`);
  return {
    columns,
    queues: new Map(parsePairs(query.queues ?? '', 'queues')),
    teams: new Map(parsePairs(query.teams ?? '', 'teams')),
    defaults,
    timeZone: query.time_zone,
  };
}
