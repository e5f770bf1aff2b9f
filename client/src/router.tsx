/** A router small enough to read: three paths, the History API and popstate. */
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

/** Goes to `to` without a page load. */
export function navigate(to: string): void {
  if (to === window.location.pathname) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** An anchor that navigates in-page on a plain click and behaves normally otherwise. */
export function Link({ to, className, children }: { to: string; className?: string; children: ReactNode }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={onClick}>
      {children}
    </a>
  );
}
