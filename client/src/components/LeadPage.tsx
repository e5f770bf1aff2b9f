/** Placeholder for the team lead view until it is built. */
import { Link } from '../router';

export function LeadPage() {
  return (
    <main className="simple-page">
      <h1>Team lead view</h1>
      <p>
        The lead view is coming: filters by queue and team, a drill-down per queue and alert acknowledgement.
      </p>
      <Link to="/wall" className="button-link">
        Back to the wall
      </Link>
    </main>
  );
}
