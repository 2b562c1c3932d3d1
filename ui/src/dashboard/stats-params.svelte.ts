// Quarter and province of the stats and charts pages: from the URL, else the
// reporting quarter and the user's province (or the first one in /regions).
import type { DashboardApi } from './api';
import { previousQuarter, statsDefaultQuarter } from './quarters';
import { loadRegions } from './regions';
import { session } from './session.svelte';

export function provincesFor(api: DashboardApi): Promise<string[]> {
  const own = session.user?.scope.province;
  if (own) return Promise.resolve([own]);
  return loadRegions(api).then((r) => [...new Set(r.map((c) => c.province))]);
}

/// `report`: the quarterly tables open on the last complete quarter, the
/// period they report (上一完整季度), whose figures exist; charts of
/// inspections' grades open on the quarter being inspected.
export function statsParams(
  query: URLSearchParams, provinces: string[], report = false,
): { quarter: string; province: string } {
  return {
    quarter: query.get('quarter') || (report ? previousQuarter() : statsDefaultQuarter()),
    province: query.get('province') || session.user?.scope.province || provinces[0] || '',
  };
}
