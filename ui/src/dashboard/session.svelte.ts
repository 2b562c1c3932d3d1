// Who is signed in, and the one place that turns API errors into words.
// A 401 anywhere signs the page out: the dashboard then shows the login page.
import { getContext, setContext } from 'svelte';
import { t } from '../lib/i18n';
import type { User } from '../lib/server-types.gen';
import { ApiError, type DashboardApi } from './api';

export const session = $state<{ user: User | null; checked: boolean }>({ user: null, checked: false });

const KEY = Symbol('dashboard-api');
export function provideApi(api: DashboardApi): void { setContext(KEY, api); }
export function useApi(): DashboardApi {
  const a = getContext<DashboardApi | undefined>(KEY);
  if (!a) throw new Error('no DashboardApi in context');
  return a;
}
export function apiContext(api: DashboardApi): Map<unknown, unknown> { return new Map([[KEY, api]]); }

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    // Codes the server gives for refusals worth explaining; before the
    // statuses, which say less (409 is several things).
    if (e.code === 'not_signed') return t('d.err.not_signed');
    if (e.status === 401) { session.user = null; return t('d.err.unauthorized'); }
    if (e.status === 403) return t('d.err.forbidden');
    if (e.status === 404) return t('d.err.not_found');
    if (e.status === 429) return t('d.login.err.too_many');
    if (e.status === 0) return t('d.err.offline');
    return t('d.err.generic', { message: e.message });
  }
  return t('d.err.generic', { message: e instanceof Error ? e.message : String(e) });
}
