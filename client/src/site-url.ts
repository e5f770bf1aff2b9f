/**
 * A site's screens: `/wall?site=<id>` and `/lead?site=<id>` show that site's queues, with its name
 * in the header; without it a screen shows every site the token may see.
 */

/** `?site=` of a wall or lead URL; absent or blank: all sites. */
export function siteParam(search: string): string | undefined {
  const site = new URLSearchParams(search).get('site')?.trim();
  return site ? site : undefined;
}
