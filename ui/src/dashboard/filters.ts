// Inspection-list filters <-> the hash query, so a reload keeps them.
import { FLAGS, type Flag, type InspectionQuery, type SortKey } from './api';
import { readPage, writePage } from './paging';

export const PAGE_SIZE = 50;
const SORTS: SortKey[] = ['updated', 'total', 'centre', 'quarter'];
const KEYS = ['quarter', 'city', 'county', 'township', 'type', 'template', 'purpose', 'status', 'grade'] as const;

export function readFilters(p: URLSearchParams): InspectionQuery {
  const q: InspectionQuery = {};
  for (const k of KEYS) { const v = p.get(k); if (v) q[k] = v; }
  const flags = p.getAll('flag').flatMap((f) => f.split(',')).filter((f): f is Flag => (FLAGS as string[]).includes(f));
  if (flags.length) q.flag = [...new Set(flags)];
  const sort = p.get('sort');
  if (sort && (SORTS as string[]).includes(sort)) q.sort = sort as SortKey;
  const order = p.get('order');
  if (order === 'asc' || order === 'desc') q.order = order;
  Object.assign(q, readPage(p));
  q.per_page = PAGE_SIZE;
  return q;
}

/// The hash query of a filter set (page 1 and per_page left out).
export function writeFilters(q: InspectionQuery): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of KEYS) out[k] = q[k];
  if (q.flag?.length) out.flag = q.flag.join(',');
  if (q.sort) out.sort = q.sort;
  if (q.order) out.order = q.order;
  return { ...out, ...writePage(q) };
}
