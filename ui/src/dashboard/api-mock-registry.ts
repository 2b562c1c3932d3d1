// What the mock's registry knows besides its centres, as the server keeps
// it: the communities (社区) the centres serve, from which the plan norms
// of 商服贸函〔2018〕157号 三(二) are computed (server/src/stats/norms.rs),
// and the dates the built centres were built (the registry's dated
// statuses), from which the 2018 pilot targets' baseline (三(四), the end
// of 2018Q4) is counted.
import type { CommunityNorms } from '../lib/server-types.gen';

/// A community record (server/src/catalog/communities.rs).
export type MockCommunity = {
  code: string; name: string; county: string; township: string;
  /// 新建社区: the 10% norm applies to new communities only.
  is_new: boolean;
  /// 社区总建筑面积, 商业和综合服务设施面积, 社区综合服务设施面积 (m²), 户数.
  total_floor_area_m2: number | null; facility_area_m2: number | null; service_facility_area_m2: number | null;
  households: number | null;
  /// The registered centre serving the community.
  centre_code: string;
};

/// The demo's three communities (server/src/cli/demo.rs), served by the mock's
/// centres: 东关社区, a new 250,000 m² estate meeting both norms (育才社区便民服务中心);
/// 谈固社区, new, whose facilities fall short of 10% (谈固街区生活服务集聚中心);
/// 维明社区, an older community (the 10% norm does not apply) short of 30 m² per
/// 100 households (友谊社区便民服务中心). The other centres have none on record.
export const MOCK_COMMUNITIES: MockCommunity[] = [
  { code: '130102-S01', name: '东关社区', county: '长安区', township: '建北街道', is_new: true,
    total_floor_area_m2: 250_000, facility_area_m2: 26_000, service_facility_area_m2: 900, households: 2_800, centre_code: '130102-001' },
  { code: '130102-S02', name: '谈固社区', county: '长安区', township: '谈固街道', is_new: true,
    total_floor_area_m2: 180_000, facility_area_m2: 15_300, service_facility_area_m2: 700, households: 2_100, centre_code: '130102-002' },
  { code: '130104-S01', name: '维明社区', county: '桥西区', township: '维明街道', is_new: false,
    total_floor_area_m2: 320_000, facility_area_m2: null, service_facility_area_m2: 1_100, households: 4_500, centre_code: '130104-001' },
];

export const MIN_FACILITY_RATIO = 0.1;
export const MIN_M2_PER_100_HOUSEHOLDS = 30;

/// One community's norms, as the server computes them: the ratio for a new
/// community only; null where a figure is missing (not a fail).
export function communityNorms(c: MockCommunity): CommunityNorms {
  const ratio = c.is_new && c.facility_area_m2 != null && c.total_floor_area_m2 ? c.facility_area_m2 / c.total_floor_area_m2 : null;
  const per100 = c.service_facility_area_m2 != null && c.households ? (c.service_facility_area_m2 / c.households) * 100 : null;
  return {
    code: c.code, name: c.name, is_new: c.is_new,
    facility_ratio: ratio == null ? null : Math.round(ratio * 10_000) / 10_000,
    ratio_ok: ratio == null ? null : ratio >= MIN_FACILITY_RATIO,
    service_per_100_households_m2: per100 == null ? null : Math.round(per100 * 100) / 100,
    per_100_ok: per100 == null ? null : per100 >= MIN_M2_PER_100_HOUSEHOLDS,
  };
}

/// The norms of the communities a centre serves, by community code.
export function normsOf(centreCode: string, communities: MockCommunity[] = MOCK_COMMUNITIES): CommunityNorms[] {
  return communities.filter((c) => c.centre_code === centreCode).sort((a, b) => a.code.localeCompare(b.code)).map(communityNorms);
}

/// When the mock's built centres were built (China dates), as the demo's:
/// two by the end of the 2018 pilot, the rest since.
export const BUILT_SINCE: Record<string, string> = {
  '130102-001': '2018-09-15',
  '130102-101': '2018-11-20',
  '130104-003': '2019-06-01',
  '130104-001': '2019-10-08',
  '130102-102': '2020-04-10',
  '130104-002': '2021-03-18',
  '130104-101': '2022-05-20',
};

/// The last day of 2018Q4, the 2018 pilot's own deadline.
const PILOT_END = '2018-12-31';

/// Built by the end of 2018Q4 as the registry's dates know it (a centre
/// without a dated status then is not counted).
export const builtBy2018 = (code: string, builtSince: Record<string, string> = BUILT_SINCE) =>
  builtSince[code] != null && builtSince[code] <= PILOT_END;
