// The zone (地区类别) and map datum (坐标系) of a centre, as the registry
// pages show them. The server keeps the same rule (crates/core/src/centre.rs
// `Zone::of_province`); this copy only labels what the registry says.
import { t, type Key } from './i18n';
import type { Centre, Datum, Zone } from './types.gen';

/// The twelve provinces of the 西部大开发 programme (SB/T 10393-2005 sets
/// village shops by 东中部/西部). Matched at the start of the province's name,
/// so 四川省, 重庆市, 广西壮族自治区 and 内蒙古自治区 all count.
export const WESTERN_PROVINCES = ['重庆', '四川', '贵州', '云南', '西藏', '陕西', '甘肃', '青海', '宁夏', '新疆', '内蒙古', '广西'] as const;

/// The zone a province falls in when the county has not set one.
export function zoneOfProvince(province: string): Zone {
  const p = province.trim();
  return WESTERN_PROVINCES.some((w) => p.startsWith(w)) ? 'west' : 'east_central';
}

/// A centre's zone: the county's setting, else its province's (`byProvince`).
export function centreZone(c: Pick<Centre, 'zone' | 'region'>): { zone: Zone; byProvince: boolean } {
  return c.zone ? { zone: c.zone, byProvince: false } : { zone: zoneOfProvince(c.region.province), byProvince: true };
}

/// 东中部 / 西部, with （按省份） when the province decided.
export function zoneText(c: Pick<Centre, 'zone' | 'region'>): string {
  const { zone, byProvince } = centreZone(c);
  return t(`zone.${zone}` as Key) + (byProvince ? t('centre.zone_by_province') : '');
}

/// The datum the position was entered in (absent: WGS-84).
export const centreDatum = (c: Pick<Centre, 'datum'>): Datum => c.datum ?? 'wgs84';

export const datumLabel = (d: Datum) => t(`datum.${d}` as Key);

/// 坐标系 as the centre pages show it: the datum, and for a Chinese map
/// datum that the position is kept converted to WGS-84.
export function datumText(c: Pick<Centre, 'datum'>): string {
  const d = centreDatum(c);
  return d === 'wgs84' ? datumLabel(d) : `${datumLabel(d)} · ${t('centre.datum_converted')}`;
}
