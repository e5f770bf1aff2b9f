/**
 * The configuration contract (SPEC section 7): sites, queues with their SLA, teams (in-house and
 * partners), access tokens. A config that breaks a rule stops start-up with a message naming
 * the field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeIssues } from './issues.js';

const id = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

const opaqueId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be an opaque id: 1-64 of A-Z a-z 0-9 . _ : -');

/** A hospital or clinic: a wall and a lead view per site (`?site=`), leads limited to sites. */
const siteSchema = z.strictObject({
  // NOTE: opaque, since a site id travels in URLs (`?site=`) and is echoed in errors.
  id: opaqueId.describe('the site id of `?site=` and of a queue\'s `site`'),
  name: z.string().min(1).describe('shown in the header of the site\'s wall and lead view'),
});

const queueSchema = z.strictObject({
  id: id.describe('the queue id events carry in `queue`'),
  name: z.string().min(1).describe('shown on the wall and the lead view'),
  site: opaqueId.optional().describe('the site (of `sites`) whose work this queue holds; absent: on the all-sites views only'),
  sla: z
    .strictObject({
      target_seconds: z.int().positive().describe('a task waiting longer than this is breached'),
      goal: z.number().gt(0).lte(1).describe('the share of tasks to start within the target, e.g. 0.9'),
    })
    .describe('the service level'),
  handling_seconds: z.number().positive().describe('mean handling time of a task, for staffing (Erlang C)'),
  /** Wall colour thresholds on SLA attainment; default: green at goal, red below goal - 0.1. */
  thresholds: z
    .strictObject({
      amber_below: z.number().gt(0).lte(1).describe('SLA attainment below this is amber'),
      red_below: z.number().gte(0).lt(1).describe('SLA attainment below this is red'),
    })
    .optional()
    .describe('wall colours on SLA attainment (default: amber below the goal, red below goal - 0.1)'),
  sensitive: z.boolean().default(false).describe('must stay in-house: the operating-model what-if refuses to send any of it to partners'),
});

const capacitySchema = z.strictObject({
  webhook_url: z.url().describe('where capacity requests are POSTed, signed per Standard Webhooks'),
  secret_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').describe('the environment variable holding the signing secret (never the secret itself)'),
  respond_within_seconds: z.int().positive().describe('how long the partner has to answer before the request escalates'),
  max_agents: z.int().positive().describe('the most agents asked of this partner in one request'),
});

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, from 00:00 to 23:59');

/** Whether `name` is an IANA time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const quietHoursSchema = z
  .strictObject({
    from: clockTime.describe('local time quiet hours begin, HH:MM (may be later than `to`: overnight)'),
    to: clockTime.describe('local time quiet hours end, HH:MM'),
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin').describe('the IANA time zone of `from` and `to`, e.g. Europe/Berlin'),
  })
  .refine((q) => q.from !== q.to, { message: 'from and to must differ', path: ['to'] });

const chatSchema = z.strictObject({
  webhook_url: z.url().describe('where alert messages are POSTed (Slack-compatible JSON), signed per Standard Webhooks'),
  secret_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .optional()
    .describe('the environment variable holding the signing secret (default `CHAT_SECRET_<TEAM>`: the team id in capitals, other characters as `_`)'),
  quiet_hours: quietHoursSchema.optional().describe('messages held meanwhile are sent as one summary when quiet hours end'),
});

const teamSchema = z.strictObject({
  id: id.describe('the team id events carry in `team`'),
  name: z.string().min(1).describe('shown on the wall and the lead view'),
  kind: z.enum(['inhouse', 'partner']).describe('in-house team or outsourcing partner'),
  queues: z.array(id).min(1).describe('the queues it works; for partners, in the order they are asked for capacity'),
  capacity: capacitySchema.optional().describe('partners only: how capacity requests reach them'),
  cost_per_agent_hour: z.number().min(0).optional().describe("what one agent-hour of this team costs, in the organisation's currency (the scorecard and the what-if)"),
  chat: chatSchema.optional().describe('a chat channel (Slack-compatible incoming webhook) told when an alert on one of its queues fires, is covered or acknowledged, and resolves'),
});

/** `queue_by`: which element of a FHIR Task names its queue. */
const QUEUE_BY = /^(code|identifier:\S{1,200})$/;

const fhirSchema = z.strictObject({
  queue_by: z
    .string()
    .regex(QUEUE_BY, 'must be "code" or "identifier:<system>"')
    .default('code')
    .describe('`code`: the first `Task.code.coding[].code` that `queues` maps; `identifier:<system>`: the value of the Task\'s identifier with that system'),
  queues: z
    .record(z.string().min(1).max(200), id)
    .refine((m) => Object.keys(m).length > 0, 'must map at least one code or identifier value')
    .describe('Task code (or identifier value) -> queue id; a Task that maps to no queue is refused, naming its code'),
  owners: z
    .record(z.string().min(1).max(200), id)
    .default({})
    .describe('`Task.owner.reference` (e.g. `Organization/northwind`) -> team id: the team that starts and completes the work'),
});

export const ROLES = ['viewer', 'lead', 'admin', 'ingest', 'partner'] as const;
export type Role = (typeof ROLES)[number];

const accessSchema = z.strictObject({
  name: z.string().min(1).describe('who this is, as the audit trail names it'),
  role: z.enum(ROLES).describe('viewer < lead < admin; ingest and partner stand apart'),
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters').describe('SHA-256 of the bearer token: printf %s "$TOKEN" | sha256sum'),
  /** partner: the team it speaks for. */
  team: id.optional().describe('partner: the team it answers for'),
  /** lead: the teams it may see; absent means all. */
  teams: z.array(id).optional().describe('lead: the teams it may see (absent: all)'),
  /** lead: the sites it may see; absent means all. */
  sites: z.array(opaqueId).min(1).optional().describe('lead: the sites whose queues it may see (absent: all)'),
});

export const configSchema = z
  .strictObject({
    public_url: z.url().optional().describe('where people open this server (behind its reverse proxy); chat messages link to the lead view there'),
    window_minutes: z.int().min(1).max(24 * 60).default(60).describe('the window of arrivals, starts, completions, waits and SLA attainment'),
    sites: z.array(siteSchema).optional().describe('hospitals or clinics, each with its own wall (`/wall?site=ID`); queues name theirs in `site`'),
    queues: z.array(queueSchema).min(1).describe('the work queues'),
    teams: z.array(teamSchema).min(1).describe('in-house teams and outsourcing partners'),
    access: z.array(accessSchema).optional().describe('bearer tokens and their roles; without it the server runs open on 127.0.0.1 only'),
    fhir: fhirSchema.optional().describe('FHIR Task ingest (`POST /fhir/Task`, `POST /fhir`): how a Task names its queue and its team; without it those calls answer 404'),
  })
  .superRefine((cfg, ctx) => {
    const siteIds = new Set<string>();
    cfg.sites?.forEach((s, i) => {
      if (siteIds.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `duplicate site id "${s.id}"` });
      siteIds.add(s.id);
    });
    const queueIds = new Set<string>();
    cfg.queues.forEach((q, i) => {
      if (queueIds.has(q.id)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'id'], message: `duplicate queue id "${q.id}"` });
      queueIds.add(q.id);
      if (q.site !== undefined && !siteIds.has(q.site)) {
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'site'], message: `queue "${q.id}" names site "${q.site}", which is not in sites` });
      }
      if (q.thresholds && q.thresholds.red_below > q.thresholds.amber_below) {
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'thresholds', 'red_below'], message: 'must not be above amber_below' });
      }
    });
    const teamIds = new Set<string>();
    cfg.teams.forEach((t, i) => {
      if (teamIds.has(t.id)) ctx.addIssue({ code: 'custom', path: ['teams', i, 'id'], message: `duplicate team id "${t.id}"` });
      teamIds.add(t.id);
      t.queues.forEach((q, j) => {
        if (!queueIds.has(q)) ctx.addIssue({ code: 'custom', path: ['teams', i, 'queues', j], message: `unknown queue "${q}"` });
      });
      if (t.kind === 'inhouse' && t.capacity) {
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'capacity'], message: 'only partner teams take capacity requests' });
      }
    });
    // NOTE: the keys are the operator's own codes and references, not patient data: a message may name them.
    for (const [key, queue] of Object.entries(cfg.fhir?.queues ?? {})) {
      if (!queueIds.has(queue)) ctx.addIssue({ code: 'custom', path: ['fhir', 'queues', key], message: `"${key}" maps to unknown queue "${queue}"` });
    }
    for (const [key, team] of Object.entries(cfg.fhir?.owners ?? {})) {
      if (!teamIds.has(team)) ctx.addIssue({ code: 'custom', path: ['fhir', 'owners', key], message: `"${key}" maps to unknown team "${team}"` });
    }
    const names = new Set<string>();
    const hashes = new Set<string>();
    cfg.access?.forEach((a, i) => {
      if (names.has(a.name)) ctx.addIssue({ code: 'custom', path: ['access', i, 'name'], message: `duplicate name "${a.name}"` });
      names.add(a.name);
      if (hashes.has(a.token_sha256)) ctx.addIssue({ code: 'custom', path: ['access', i, 'token_sha256'], message: 'the same token is listed twice' });
      hashes.add(a.token_sha256);
      if (a.role === 'partner') {
        const team = cfg.teams.find((t) => t.id === a.team);
        if (!a.team) ctx.addIssue({ code: 'custom', path: ['access', i, 'team'], message: 'is required for a partner' });
        else if (!team || team.kind !== 'partner') {
          ctx.addIssue({ code: 'custom', path: ['access', i, 'team'], message: `"${a.team}" is not a partner team` });
        }
      } else if (a.team !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['access', i, 'team'], message: 'only a partner names a team' });
      }
      if (a.teams !== undefined && a.role !== 'lead') {
        ctx.addIssue({ code: 'custom', path: ['access', i, 'teams'], message: 'only a lead is limited to teams' });
      }
      a.teams?.forEach((t, j) => {
        if (!teamIds.has(t)) ctx.addIssue({ code: 'custom', path: ['access', i, 'teams', j], message: `unknown team "${t}"` });
      });
      if (a.sites !== undefined && a.role !== 'lead') {
        ctx.addIssue({ code: 'custom', path: ['access', i, 'sites'], message: 'only a lead is limited to sites' });
      }
      a.sites?.forEach((s, j) => {
        if (!siteIds.has(s)) ctx.addIssue({ code: 'custom', path: ['access', i, 'sites', j], message: `unknown site "${s}"` });
      });
    });
  });

export type ConfigFile = z.infer<typeof configSchema>;
export type QueueConfig = ConfigFile['queues'][number];
export type TeamConfig = ConfigFile['teams'][number];
export type SiteConfig = NonNullable<ConfigFile['sites']>[number];
export type AccessEntry = NonNullable<ConfigFile['access']>[number];
/** How FHIR Tasks map to queues and teams (the config's `fhir`). */
export type FhirMapping = NonNullable<ConfigFile['fhir']>;

/** The validated configuration with lookup indexes. */
export interface OpsConfig extends ConfigFile {
  queueIndex: Map<string, QueueConfig>;
  teamIndex: Map<string, TeamConfig>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates a parsed JSON value as a configuration; throws a ConfigError naming each bad field. */
export function parseConfig(raw: unknown, source = 'config'): OpsConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source} is invalid:\n${describeIssues(parsed.error.issues, { subject: 'config', separator: '\n', brackets: true })}`);
  const cfg = parsed.data;
  return {
    ...cfg,
    queueIndex: new Map(cfg.queues.map((q) => [q.id, q])),
    teamIndex: new Map(cfg.teams.map((t) => [t.id, t])),
  };
}

/** Reads and validates a configuration file. */
export function loadConfig(path: string): OpsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read OPS_CONFIG file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, path);
}

/** Teams that serve a queue, in configuration order (partners in their contracted order). */
export function teamsForQueue(config: OpsConfig, queueId: string): TeamConfig[] {
  return config.teams.filter((t) => t.queues.includes(queueId));
}

/** A configured site by id (sites are few: a lookup, not an index, so the config keeps its shape). */
export function siteById(config: Pick<OpsConfig, 'sites'>, id: string): SiteConfig | undefined {
  return config.sites?.find((s) => s.id === id);
}

/** The queues of the given sites, in configuration order. */
export function queuesOfSites(config: Pick<OpsConfig, 'queues'>, sites: readonly string[]): string[] {
  return config.queues.filter((q) => q.site !== undefined && sites.includes(q.site)).map((q) => q.id);
}
