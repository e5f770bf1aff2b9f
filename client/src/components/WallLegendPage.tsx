/** `/wall/legend`: what every mark of the wall means, from the one legend the README also carries. */
import { Link } from '../router';
import { codeParts, MARK_LEGEND, STATUS_LEGEND } from '../wall-legend';
import { StatusBadge } from './StatusBadge';
import './tile.css';
import './wall-legend.css';

function Words({ text }: { text: string }) {
  return codeParts(text).map((part, i) => (part.code ? <code key={i}>{part.text}</code> : part.text));
}

export function WallLegendPage() {
  return (
    <main className="wall-legend">
      <h1>What the wall's marks mean</h1>
      <p>Each tile's badge follows one rule: the first row that applies wins. The badge's tooltip names every reason that applies.</p>
      <table aria-label="Tile status">
        <thead>
          <tr>
            <th scope="col">Badge</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {STATUS_LEGEND.map((row) => (
            <tr key={row.level} data-level={row.level}>
              <td>
                <StatusBadge status={{ level: row.level, label: row.label, reason: row.when }} />
              </td>
              <td>
                <Words text={row.when} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table aria-label="Other marks">
        <thead>
          <tr>
            <th scope="col">Mark</th>
            <th scope="col">Means</th>
          </tr>
        </thead>
        <tbody>
          {MARK_LEGEND.map((row) => (
            <tr key={row.mark}>
              <td>{row.mark}</td>
              <td>{row.means}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>Every colour comes with an icon and a word, for screens and eyes that do not tell colours apart.</p>
      <Link to="/wall" className="button-link">
        Back to the wall
      </Link>
    </main>
  );
}
