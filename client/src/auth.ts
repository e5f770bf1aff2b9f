/**
 * The wall's access token: handed over once in the URL fragment (`#token=...`, which never
 * reaches server logs), then kept in localStorage so the screen survives a reload.
 */
import { splitTokenFromHash } from './format';

export const TOKEN_STORAGE_KEY = 'occ.token';

/** Reads the token from `#token=` (storing it and clearing it from the address bar) or storage. */
export function takeAccessToken(win: Window = window): string | null {
  const hash = win.location.hash;
  const { token, rest } = splitTokenFromHash(hash);
  if (rest !== hash.replace(/^#/, '')) {
    // NOTE: replaceState, not a navigation: the token must not stay in the history either.
    const url = `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ''}`;
    win.history.replaceState(win.history.state, '', url);
  }
  if (token !== null) {
    try {
      win.localStorage.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // Storage can be disabled (kiosk profiles); the token still works for this page's life.
    }
    return token;
  }
  try {
    return win.localStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}
