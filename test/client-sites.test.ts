/** `?site=` in the screens' URLs: read, kept through the lead view's links, sent in the subscription. */
import { describe, expect, it } from 'vitest';
import { leadHref, overviewFilter, parseLeadRoute, subscriptionOf } from '../client/src/lead-url';
import { siteParam } from '../client/src/site-url';

describe('?site= on the wall and the lead view', () => {
  it('reads one site id, none when absent or blank', () => {
    expect(siteParam('?site=st-annes&per_page=6')).toBe('st-annes');
    expect(siteParam('?site=%20lakeside%20')).toBe('lakeside');
    expect(siteParam('?site=')).toBeUndefined();
    expect(siteParam('')).toBeUndefined();
  });

  it('keeps the site through the overview, a queue page and back', () => {
    const overview = parseLeadRoute('/lead', '?queues=a&teams=x&site=lakeside')!;
    expect(overview).toEqual({ page: 'overview', filter: { queues: ['a'], teams: ['x'], site: 'lakeside' } });
    expect(leadHref(overview)).toBe('/lead?queues=a&teams=x&site=lakeside');
    const queue = parseLeadRoute('/lead/queues/a', '?range=24h&site=lakeside')!;
    expect(queue).toEqual({ page: 'queue', queue: 'a', range: '24h', filter: { queues: [], teams: [], site: 'lakeside' } });
    expect(leadHref(queue)).toBe('/lead/queues/a?site=lakeside&range=24h');
    expect(leadHref({ page: 'overview', filter: overviewFilter(queue.filter) })).toBe('/lead?site=lakeside');
    expect(parseLeadRoute('/lead', '?teams=x')).toEqual({ page: 'overview', filter: { queues: [], teams: ['x'] } });
  });

  it('subscribes to the site as the server takes it', () => {
    expect(subscriptionOf(parseLeadRoute('/lead', '?site=st-annes')!)).toEqual({ site: 'st-annes' });
    expect(subscriptionOf(parseLeadRoute('/lead/queues/q', '?site=st-annes&teams=x')!)).toEqual({ queues: ['q'], teams: ['x'], site: 'st-annes' });
    expect(subscriptionOf(parseLeadRoute('/lead', '')!)).toEqual({});
  });
});
