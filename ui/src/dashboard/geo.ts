// The GPS sketch without map tiles: an equirectangular projection in metres
// around the centre (fine at the scale of a geofence).
import type { GpsFix, InspectionSnapshot } from '../lib/types.gen';

export const M_PER_DEG_LAT = 110_540;
export const M_PER_DEG_LON = 111_320;

/// Metres east (dx) and north (dy) of (lat0, lon0).
export function toMetres(lat: number, lon: number, lat0: number, lon0: number): { dx: number; dy: number } {
  return { dx: (lon - lon0) * Math.cos((lat0 * Math.PI) / 180) * M_PER_DEG_LON, dy: (lat - lat0) * M_PER_DEG_LAT };
}

/// A round scale-bar length (1, 2 or 5 × 10^n metres) of about a quarter of `span` metres.
export function niceScale(span: number): number {
  const target = Math.max(1, span / 4);
  const p = 10 ** Math.floor(Math.log10(target));
  for (const m of [5, 2, 1]) if (m * p <= target) return m * p;
  return p;
}

export type Sketch = {
  size: number; // SVG width and height in px
  pxPerM: number;
  fence: number; // geofence radius in px
  dots: { x: number; y: number; r: number; fix: GpsFix; dist: number }[];
  scaleM: number; scalePx: number;
};

/// Lays out the fixes around the centre at the SVG's middle: the view holds
/// the geofence and every fix with its accuracy circle, with a margin.
export function sketch(fixes: GpsFix[], lat0: number, lon0: number, geofenceM: number, size = 320): Sketch {
  const pts = fixes.map((f) => ({ f, ...toMetres(f.lat, f.lon, lat0, lon0) }));
  let reach = geofenceM;
  for (const p of pts) reach = Math.max(reach, Math.hypot(p.dx, p.dy) + p.f.accuracy_m);
  reach *= 1.15;
  const half = size / 2;
  const pxPerM = half / reach;
  const scaleM = niceScale(reach * 2);
  return {
    size, pxPerM, fence: geofenceM * pxPerM, scaleM, scalePx: scaleM * pxPerM,
    dots: pts.map((p) => ({ x: half + p.dx * pxPerM, y: half - p.dy * pxPerM, r: p.f.accuracy_m * pxPerM, fix: p.f, dist: Math.hypot(p.dx, p.dy) })),
  };
}

/// Earliest and latest recorded activity (answers, photos, fixes), ms.
export function timeOnSite(doc: InspectionSnapshot): { start: number; end: number } | null {
  const times = [
    ...Object.values(doc.answers).map((a) => a?.at),
    ...Object.values(doc.photos).map((p) => p?.taken_at),
    ...doc.gps_fixes.map((f) => f.at),
  ].filter((x): x is number => typeof x === 'number' && x > 0);
  if (times.length === 0) return null;
  return { start: Math.min(...times), end: Math.max(...times) };
}
