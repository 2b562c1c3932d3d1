// The server's paging, as the mocks give it.
import type { Page } from '../lib/server-types.gen';

/// A page of `rows` as the server gives it; the page links are page
/// numbers here (the mock pages by `page`, which the dashboard always sends).
export function mockPage<T>(rows: T[], page: number, per_page: number): Page<T> {
  const more = page * per_page < rows.length;
  return {
    items: rows.slice((page - 1) * per_page, page * per_page), total: rows.length, total_exact: true, page, per_page,
    next: more ? `p${page + 1}` : null, prev: page > 1 ? `p${page - 1}` : null,
  };
}
