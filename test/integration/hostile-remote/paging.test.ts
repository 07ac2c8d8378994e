import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../../../src/provider/zoho-provider.js';
import { fakeZoho, json, provider, queryOf, rejection, user, type Seen } from './fake-zoho.js';

/**
 * Paging bounds: a page holds at most per_page users, every page brings someone new, and paging stops
 * at ceil(count / per_page) + 1 pages, or at maxUserPages (5,000 by default) without a count.
 */

/** A fake whose AllUsers pages come from `page(n)`; counts the AllUsers requests. */
async function paged(page: (n: number) => { ids: string[]; count?: number; more: boolean }) {
  let requests = 0;
  const zoho = await fakeZoho((req: Seen, res: ServerResponse) => {
    if (queryOf(req).get('type') !== 'AllUsers') return false;
    requests++;
    const n = Number(queryOf(req).get('page'));
    const p = page(n);
    json(res, 200, { users: p.ids.map(user), info: { page: n, per_page: 200, ...(p.count !== undefined ? { count: p.count } : {}), more_records: p.more } });
    return true;
  });
  return { zoho, requests: () => requests };
}

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

describe('paging a hostile users list', () => {
  it('a page of 1,000 users for per_page=200, more_records always true: one clear error after one page', async () => {
    const f = await paged((n) => ({ ids: ids(n * 1000, 1000), more: true }));
    const err = await rejection(provider(f.zoho).read());
    expect(err).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
    expect(err.message).toBe('GET /crm/v8/users → 200: unexpected answer: page 1 holds 1000 users for per_page=200');
    expect(f.requests()).toBe(1);
  });

  it('the same page again and again, more_records true: stops at the first repeat', async () => {
    const f = await paged(() => ({ ids: ids(1, 200), more: true }));
    const err = await rejection(provider(f.zoho).read());
    expect(err.message).toBe('GET /crm/v8/users → 200: unexpected answer: page 2 repeats users already read; zpi stops paging there');
    expect(f.requests()).toBe(2);
  });

  it('two pages served in turn (no page repeats the one before): caught too', async () => {
    const f = await paged((n) => ({ ids: ids(n % 2 === 0 ? 1000 : 2000, 200), more: true }));
    const err = await rejection(provider(f.zoho).read());
    expect(err.message).toContain('page 3 repeats users already read');
    expect(f.requests()).toBe(3);
  });

  it('new users forever past info.count: stops at ceil(count / per_page) + 1 pages', async () => {
    const f = await paged((n) => ({ ids: ids(n * 1000, 200), count: 400, more: true }));
    const err = await rejection(provider(f.zoho).read());
    expect(err).toMatchObject({ code: 'TOO_MANY_PAGES', retryable: false });
    expect(err.message).toBe('GET /crm/v8/users: still more_records after 3 pages, though info.count said 400 users; zpi stops paging there');
    expect(f.requests()).toBe(3);
  });

  it('new users forever and no count: stops at maxUserPages and says so', async () => {
    const f = await paged((n) => ({ ids: ids(n * 1000, 200), more: true }));
    const err = await rejection(provider(f.zoho, { maxUserPages: 10 }).read());
    expect(err.message).toBe('GET /crm/v8/users: still more_records after 10 pages (ZPI_MAX_USER_PAGES); zpi stops paging there');
    expect(f.requests()).toBe(10);
  });

  it('a count beyond the page cap is refused before paging', async () => {
    const f = await paged((n) => ({ ids: ids(n * 1000, 200), count: 10_000_000, more: true }));
    const err = await rejection(provider(f.zoho).read());
    expect(err.message).toBe('GET /crm/v8/users: info.count says 10000000 users, more than 5000 pages of 200; zpi reads no more (ZPI_MAX_USER_PAGES)');
    expect(f.requests()).toBe(1);
  });

  it('an honest list that grows while read gets its one extra page', async () => {
    const f = await paged((n) => ({ ids: ids(n * 1000, n <= 3 ? 200 : 5), count: 600, more: n <= 3 }));
    const live = await provider(f.zoho).read();
    expect(live.users).toHaveLength(605);
    expect(f.requests()).toBe(4);
  });

  it('ZPI_MAX_USER_PAGES sets the cap', () => {
    expect(limitsFromEnv({ ZPI_MAX_USER_PAGES: '20000' })).toEqual({ maxUserPages: 20_000 });
    expect(() => limitsFromEnv({ ZPI_MAX_USER_PAGES: 'all' })).toThrow('ZPI_MAX_USER_PAGES="all": expected a whole number of pages such as 5000');
  });
});
