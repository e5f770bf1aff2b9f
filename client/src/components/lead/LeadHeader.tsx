/** The lead view's top bar and filters: queues (overview only) and teams, in-house and partners. */
import { Fragment } from 'react';
import { leadHref, overviewFilter, toggle, type LeadRoute } from '../../lead-url';
import { Link, navigate } from '../../router';
import { useOps } from '../../store';
import { LinkStatus } from '../LinkStatus';

export function LeadHeader({ route, onSignOut }: { route: LeadRoute; onSignOut?: () => void }) {
  const catalogue = useOps((s) => s.catalogue);
  const overview = leadHref({ page: 'overview', filter: overviewFilter(route.filter) });
  const siteName = useOps((s) => s.snapshot?.site?.name);
  const setTeams = (teams: string[]): void => navigate(leadHref({ ...route, filter: { ...route.filter, teams } }));
  const setQueues = (queues: string[]): void => navigate(leadHref({ ...route, filter: { ...route.filter, queues } }));
  return (
    <header className="lead-header">
      <div className="lead-bar">
        <h1 className="lead-title">
          <Link to={overview}>Team lead view</Link>
          {siteName && <span className="site-name">{siteName}</span>}
        </h1>
        <nav className="lead-nav" aria-label="Views">
          <Link to="/lead/partners">Partner scorecard</Link>
          <Link to="/lead/what-if">What-if</Link>
          <Link to="/wall">Wall</Link>
          {onSignOut && (
            <button type="button" className="link-button" onClick={onSignOut}>
              Sign out
            </button>
          )}
        </nav>
        <LinkStatus />
      </div>
      {catalogue && (
        <div className="filters">
          {route.page === 'overview' && (
            <ChipGroup
              label="Queues"
              name="queue"
              options={catalogue.queues.map((q) => ({ id: q.id, name: q.name }))}
              selected={route.filter.queues}
              onToggle={(id) => setQueues(toggle(route.filter.queues, id))}
              onClear={() => setQueues([])}
            />
          )}
          <ChipGroup
            label="Teams"
            name="team"
            options={catalogue.teams.map((t) => ({ id: t.id, name: t.name, kind: t.kind }))}
            selected={route.filter.teams}
            onToggle={(id) => setTeams(toggle(route.filter.teams, id))}
            onClear={() => setTeams([])}
          />
        </div>
      )}
    </header>
  );
}

interface ChipOption {
  id: string;
  name: string;
  kind?: 'inhouse' | 'partner';
}

function ChipGroup(props: {
  label: string;
  name: string;
  options: ChipOption[];
  selected: string[];
  onToggle: (id: string) => void;
  onClear: () => void;
}) {
  const { label, name, options, selected, onToggle, onClear } = props;
  return (
    <fieldset className="chip-group">
      <legend>{label}</legend>
      <button type="button" className="chip" aria-pressed={selected.length === 0} onClick={onClear}>
        All
      </button>
      {options.map((option, i) => (
        <Fragment key={option.id}>
          {option.kind && option.kind !== options[i - 1]?.kind && (
            <span className={`chip-kind chip-kind-${option.kind}`}>{option.kind === 'inhouse' ? 'In-house' : 'Partners'}</span>
          )}
          <button
            type="button"
            className={`chip${option.kind ? ` chip-${option.kind}` : ''}`}
            aria-pressed={selected.includes(option.id)}
            data-filter={`${name}:${option.id}`}
            onClick={() => onToggle(option.id)}
          >
            {option.name}
          </button>
        </Fragment>
      ))}
    </fieldset>
  );
}
