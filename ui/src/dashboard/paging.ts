// Page links of the server's lists. The server gives each page a `next`
// and a `prev` token (keyset paging: a deep page costs what the first
// costs); the URL keeps the page number shown and the token that reaches
// it, so a reload shows the same rows.
import type { Page } from '../lib/server-types.gen';

/// Where a list's page starts: its number, and the token that reaches it.
export type PageAt = { page?: number; after?: string; before?: string };

/// The page position from the hash query.
export function readPage(p: URLSearchParams): Required<Pick<PageAt, 'page'>> & PageAt {
  const n = Number(p.get('page'));
  const at: PageAt & { page: number } = { page: Number.isInteger(n) && n > 0 ? n : 1 };
  const after = p.get('after');
  const before = p.get('before');
  if (after) at.after = after; else if (before) at.before = before;
  return at;
}

/// The hash query of a page position (nothing for the first page).
export function writePage(at: PageAt): Record<string, string | undefined> {
  if (!at.page || at.page <= 1) return {};
  return { page: String(at.page), after: at.after, before: at.before };
}

/// The position of the page after or before `data` (`page` is the one shown).
export function nextPage(data: Page<unknown>, page: number): PageAt {
  return { page: page + 1, after: data.next ?? undefined };
}
export function prevPage(data: Page<unknown>, page: number): PageAt {
  if (page <= 2) return { page: 1 };
  return data.prev ? { page: page - 1, before: data.prev } : { page: page - 1 };
}

/// The count as shown: exact, or "10,000+" when the server stopped counting.
export function countLabel(data: Page<unknown>): string {
  const n = data.total.toLocaleString('en-US');
  return data.total_exact ? n : `${n}+`;
}

/// Pages in all, when the count is exact.
export function pageCount(data: Page<unknown>): number | null {
  return data.total_exact ? Math.max(1, Math.ceil(data.total / data.per_page)) : null;
}
