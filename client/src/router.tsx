/** A router small enough to read: a few paths, the History API and popstate. */
import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

/** The current path without a trailing slash ("/" stays "/"). */
export function usePathname(): string {
  const pathname = useSyncExternalStore(subscribe, () => window.location.pathname);
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
}

/** The current query string, "?a=b" or "". */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

/** Goes to `to` (path and query) without a page load; `replace` keeps the history short. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === `${window.location.pathname}${window.location.search}`) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** An anchor that navigates in-page on a plain click and behaves normally otherwise. */
export function Link({ to, className, children, ariaCurrent }: { to: string; className?: string; children: ReactNode; ariaCurrent?: boolean }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={onClick} aria-current={ariaCurrent ? 'page' : undefined}>
      {children}
    </a>
  );
}
