/**
 * What a wall shows when the server refuses it: how to give it a token, readable from across the
 * room, instead of "waiting for the first update" for ever. Adding `#token=...` to the address
 * takes effect at once (App listens for it); the token is then kept and cleared from the address.
 */
import { useOps } from '../store';

export function TokenNeeded() {
  const reason = useOps((s) => s.authError);
  const known = !/unauthori[sz]ed|401/i.test(reason ?? '');
  return (
    <div className="wall token-needed" role="alert">
      <h1>This wall needs a viewer token</h1>
      <p>{known ? 'The token this screen has may not view the wall.' : 'The server does not know the token this screen has, or it has none.'}</p>
      <p>
        Add it to the address: <code>{`${window.location.origin}/wall#token=YOUR-TOKEN`}</code>
      </p>
      <p className="token-needed-small">
        The screen keeps it and removes it from the address bar. An administrator creates tokens in the configuration's
        <code> access</code> section (role <code>viewer</code>).
      </p>
    </div>
  );
}
