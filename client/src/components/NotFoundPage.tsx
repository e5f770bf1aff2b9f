/** Any other path: say so and offer the way back. */
import { Link } from '../router';

export function NotFoundPage() {
  return (
    <main className="simple-page">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/wall" className="button-link">
        Go to the wall
      </Link>
    </main>
  );
}
