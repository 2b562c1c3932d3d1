import type { CityRegions } from '../lib/server-types.gen';
import type { DashboardApi } from './api';

// The region tree changes rarely: one request per page load.
const cache = new WeakMap<DashboardApi, Promise<CityRegions[]>>();
export function loadRegions(api: DashboardApi): Promise<CityRegions[]> {
  let p = cache.get(api);
  if (!p) {
    p = api.regions();
    p.catch(() => cache.delete(api));
    cache.set(api, p);
  }
  return p;
}

export function countiesOf(regions: CityRegions[], city?: string): string[] {
  return [...new Set(regions.filter((r) => !city || r.city === city).flatMap((r) => r.counties.map((c) => c.county)))];
}
export function townshipsOf(regions: CityRegions[], city?: string, county?: string): string[] {
  if (!county) return [];
  return [...new Set(regions.filter((r) => !city || r.city === city).flatMap((r) => r.counties)
    .filter((c) => c.county === county).flatMap((c) => c.townships))];
}
