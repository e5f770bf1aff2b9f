/**
 * Kiosk paging: a wall shows at most `perPage` queue tiles, sized to be read from 5 m; with more
 * queues than that, pages rotate every `rotateSeconds`. Both come from the kiosk's one URL:
 * `/wall?per_page=6&rotate=20`.
 */
export interface WallPaging {
  perPage: number;
  rotateSeconds: number;
}

export const DEFAULT_PAGING: WallPaging = { perPage: 6, rotateSeconds: 20 };
const PER_PAGE_LIMITS = [1, 12] as const;
const ROTATE_LIMITS = [5, 3600] as const;

function bounded(raw: string | null, [min, max]: readonly [number, number], fallback: number): number {
  if (raw === null || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : fallback;
}

/** Paging from the wall's query string; out-of-range values are clamped, nonsense ignored. */
export function parsePaging(search: string): WallPaging {
  const params = new URLSearchParams(search);
  return {
    perPage: bounded(params.get('per_page'), PER_PAGE_LIMITS, DEFAULT_PAGING.perPage),
    rotateSeconds: bounded(params.get('rotate'), ROTATE_LIMITS, DEFAULT_PAGING.rotateSeconds),
  };
}

/** Splits ids into pages of at most `perPage`, balanced: 7 queues at 6 a page are 4 + 3, not 6 + 1. */
export function paginate<T>(ids: readonly T[], perPage: number): T[][] {
  if (ids.length === 0) return [];
  const pageCount = Math.ceil(ids.length / perPage);
  const size = Math.ceil(ids.length / pageCount);
  const pages: T[][] = [];
  for (let i = 0; i < ids.length; i += size) pages.push(ids.slice(i, i + size));
  return pages;
}

/** Columns that keep tiles wide enough for their numbers on a 16:9 screen. */
export function columnsFor(tileCount: number): number {
  if (tileCount <= 3) return Math.max(1, tileCount);
  if (tileCount === 4) return 2;
  if (tileCount <= 9) return 3;
  return 4;
}

/** A tile's least readable height, in --u (styles.css): name, status, figures at 44 px, split. */
export const TILE_MIN_HEIGHT_U = 19;

/**
 * Rows of tiles that a grid `height` px tall holds at their least readable height, at least one.
 * NOTE: --u computed as styles.css does (the largest 16:9 box in the window); keep them together.
 */
export function rowsThatFit(height: number, windowWidth: number, windowHeight: number): number {
  const u = Math.max(6, Math.min(windowWidth / 100, (windowHeight * 1.7778) / 100));
  const gap = 0.9 * u;
  return Math.max(1, Math.floor((height + gap) / (TILE_MIN_HEIGHT_U * u + gap)));
}
