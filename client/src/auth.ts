/**
 * Access tokens: handed over once in the URL fragment (`#token=...`, which never reaches server
 * logs), then kept in localStorage so the screen survives a reload. The wall and the lead view
 * keep theirs apart: signing in as a lead on a laptop never changes what a wall shows.
 */
import { splitTokenFromHash } from './format';

/** The wall's token. */
export const TOKEN_STORAGE_KEY = 'occ.token';
/** The lead view's token. */
export const LEAD_TOKEN_STORAGE_KEY = 'occ.lead-token';

/** Reads the token from `#token=` (storing it and clearing it from the address bar) or storage. */
export function takeAccessToken(win: Window = window, key: string = TOKEN_STORAGE_KEY): string | null {
  const hash = win.location.hash;
  const { token, rest } = splitTokenFromHash(hash);
  if (rest !== hash.replace(/^#/, '')) {
    // NOTE: replaceState, not a navigation: the token must not stay in the history either.
    const url = `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ''}`;
    win.history.replaceState(win.history.state, '', url);
  }
  if (token !== null) {
    saveToken(win, key, token);
    return token;
  }
  try {
    return win.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keeps a token for the next visit (a sign-in); storage may be disabled, which only costs that. */
export function saveToken(win: Window, key: string, token: string): void {
  try {
    win.localStorage.setItem(key, token);
  } catch {
    // Storage can be disabled (kiosk profiles); the token still works for this page's life.
  }
}

/** Forgets a token (sign-out, or a token the server refused). */
export function forgetToken(win: Window, key: string): void {
  try {
    win.localStorage.removeItem(key);
  } catch {
    // Nothing stored, nothing to forget.
  }
}
