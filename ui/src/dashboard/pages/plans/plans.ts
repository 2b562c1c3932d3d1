// Pure helpers of the assignment pages (任务安排): labels, task progress,
// coverage, and reading every page of a paged list.
import { t, type Key } from '../../../lib/i18n';
import type { InspectionRow, Page, PlanState, RegistryRow, Sampling, User } from '../../../lib/server-types.gen';
import type { DashboardApi } from '../../api';
import { num, untouched } from '../../fmt';
import { quarterEnded } from '../../quarters';

export const stateLabel = (s: PlanState) => t(`d.p.state.${s}` as Key);

export function samplingText(s: Sampling): string {
  return 'count' in s ? t('d.p.c.sampling_count', { n: s.count }) : t('d.p.c.sampling_ratio', { p: num(s.per_mille / 10, 1) });
}

/// "王芳（insp-wang）" when the user is known, else the user name.
export function personName(users: User[], username: string): string {
  const u = users.find((x) => x.username === username);
  return u && u.display_name !== username ? `${u.display_name}（${username}）` : username;
}

/// Active inspectors, for pickers.
export const activeInspectors = (users: User[]) => users.filter((u) => u.role === 'inspector' && !u.disabled);

// The region's users change rarely: one request per page load and API.
const usersCache = new WeakMap<DashboardApi, Promise<User[]>>();
export function loadUsers(api: DashboardApi): Promise<User[]> {
  let p = usersCache.get(api);
  if (!p) {
    p = api.users();
    p.catch(() => usersCache.delete(api));
    usersCache.set(api, p);
  }
  return p;
}

/// Every item of a paged list, 200 a page (the server's maximum), at most
/// `maxPages` pages, each reached by the link of the one before.
export async function allPages<T>(
  get: (at: { page: number; per_page: number; after?: string }) => Promise<Page<T>>, maxPages = 50,
): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (let page = 1; page <= maxPages; page++) {
    const p = await get({ page, per_page: 200, after });
    out.push(...p.items);
    if (!p.next || p.items.length === 0) break;
    after = p.next;
  }
  return out;
}

export type Progress = 'not_started' | 'in_progress' | 'signed' | 'approved' | 'returned';
export const PROGRESS: Progress[] = ['not_started', 'in_progress', 'signed', 'approved', 'returned'];
export const progressLabel = (p: Progress) => t(`d.p.pr.${p}` as Key);

/// A task's inspection among the quarter's rows of the plan's purpose: the
/// newest of the centre's.
export function taskProgress(rows: InspectionRow[], centre: string): { progress: Progress; row: InspectionRow | null } {
  const row = rows.filter((r) => r.centre_code === centre).sort((a, b) => b.updated_at - a.updated_at)[0] ?? null;
  if (!row) return { progress: 'not_started', row };
  switch (row.status) {
    case 'submitted': return { progress: 'signed', row };
    case 'approved': return { progress: 'approved', row };
    case 'returned': return { progress: 'returned', row };
    default: {
      return { progress: untouched(row) ? 'not_started' : 'in_progress', row };
    }
  }
}

/// Not signed when the quarter is over (returned work is not signed).
export const isOverdue = (p: Progress, quarter: string, now = Date.now()) =>
  quarterEnded(quarter, now) && p !== 'signed' && p !== 'approved';

/// Built centres without an official inspection in `year`, in registry order.
export function uncovered(rows: RegistryRow[], year: string): RegistryRow[] {
  return rows.filter((r) => r.centre.status === 'built' && !(r.latest && r.latest.quarter.startsWith(year)));
}

/// One inspector row of the pool picker; `place` is "county/township" or ''.
export type PoolRow = { username: string; name: string; on: boolean; credential: string; place: string };
