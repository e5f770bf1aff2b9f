/**
 * Shapes that carry each status without colour: a tick in a circle (on target), an exclamation in
 * a triangle (at risk), a cross in an octagon (breaching), a dash (nothing to judge yet).
 */
import type { ConnectionLabel, SlaLevel } from '../format';

const common = { viewBox: '0 0 24 24', 'aria-hidden': true, focusable: false, className: 'icon' } as const;

/** The shape of an SLA level. */
export function StatusIcon({ level }: { level: SlaLevel }) {
  switch (level) {
    case 'green':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="10" fill="currentColor" />
          <path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="var(--ink)" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      );
    case 'amber':
      return (
        <svg {...common}>
          <path d="M12 2.5L23 21.5H1z" fill="currentColor" />
          <path d="M12 9v6" stroke="var(--ink)" strokeWidth="2.6" strokeLinecap="round" />
          <circle cx="12" cy="18.3" r="1.5" fill="var(--ink)" />
        </svg>
      );
    case 'red':
      return (
        <svg {...common}>
          <path d="M7.9 2h8.2L22 7.9v8.2L16.1 22H7.9L2 16.1V7.9z" fill="currentColor" />
          <path d="M8.5 8.5l7 7M15.5 8.5l-7 7" stroke="var(--ink)" strokeWidth="2.6" strokeLinecap="round" />
        </svg>
      );
    case 'neutral':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" strokeWidth="2.5" />
          <path d="M7.5 12h9" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" />
        </svg>
      );
  }
}

/** The shape of the connection state: solid dot (live), half-filled (reconnecting), crossed ring (offline). */
export function LinkIcon({ label }: { label: ConnectionLabel }) {
  switch (label) {
    case 'Live':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="9" fill="currentColor" />
        </svg>
      );
    case 'Connecting':
    case 'Reconnecting':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="8.5" fill="none" stroke="currentColor" strokeWidth="2.5" />
          <path d="M12 3.5a8.5 8.5 0 0 1 0 17z" fill="currentColor" />
        </svg>
      );
    case 'Offline':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="8.5" fill="none" stroke="currentColor" strokeWidth="2.5" />
          <path d="M5.5 18.5l13-13" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
        </svg>
      );
  }
}
