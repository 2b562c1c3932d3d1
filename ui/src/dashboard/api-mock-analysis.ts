// The in-memory analysis (分析研判, GET /api/v1/analysis) behind MockApi, computed
// as the server computes it (server/src/analysis/tables.rs) from the mock's own
// data, so the pages agree: the quarter's inspections (the charts' selection:
// signed, not drafts) stand for their scored items; the ranking and the trend
// are the charts' averages, 整改销号率 the rectification ledger, 报送及时率 the
// report chain's board of the quarter before.
//
// The mock inspections are scored against a small test template, so each one's
// item results are modelled on the default templates (templates/*.toml): every
// item of its centre type is scored, an item loses a share of its points that
// grows with the item's weakness in the region and falls with the inspection's
// grade, and a vetoed inspection loses all of its type's fire safety item (the
// veto). Typical weak points of 石家庄市: 每百户居民拥有综合服务设施面积不低于30平方米,
// 集贸市场经营秩序, 村民满意度抽样调查, 消防安全检查结果.
import type {
  Analysis, ChartData, CountyClosure, CountyRank, CountyWeakness, InspectionRow, ItemLoss, LedgerRow, Scope, Timeliness,
  User,
} from '../lib/server-types.gen';
import type { CentreType, Grade } from '../lib/types.gen';
import { ApiError } from './api';

/// Items a county's list names, and the region's list per centre type, at most (as the server).
export const PER_COUNTY = 3;
export const PER_TYPE = 10;

/// One scored item of a default template: id, section, points, Chinese and English title,
/// how weak the region is at it (0: never loses), and whether a veto of the inspection hits it.
type Def = { item: string; section: string; points: number; zh: string; en: string; weak: number; veto?: boolean };

const def = (item: string, section: string, points: number, weak: number, zh: string, en: string, veto = false): Def =>
  ({ item, section, points, weak, zh, en, veto });

/// 三(二): 每百户居民拥有综合服务设施面积不低于30平方米 (a block: in the area it serves).
const PER_100 = ['每百户居民拥有综合服务设施面积不低于30平方米', 'At least 30 m² of comprehensive service facility per 100 households'] as const;
const PER_100_BLOCK = ['服务范围内每百户居民拥有服务设施面积不低于30平方米', 'At least 30 m² of service facility per 100 households in the area served'] as const;

export const ITEMS: Record<CentreType, Def[]> = {
  community: [
    def('basic.sign', 'basic', 2, 0, '门头标识醒目，标明社区便民服务中心名称', 'A clear storefront sign shows the name of the community convenience service centre'),
    def('basic.business_area_check', 'basic', 4, 0.3, '营业面积不低于300平方米', 'Business floor area is at least 300 m²'),
    def('basic.facility_per_100', 'basic', 3, 0.95, ...PER_100),
    def('svc.basic', 'services', 18, 0.12, '基本服务业态', 'Basic services present'),
    def('svc.optional', 'services', 5, 0.5, '选择性服务业态', 'Optional services present'),
    def('safety.fire_equipment', 'safety', 3, 0.45, '灭火器等消防器材配备齐全并在有效期内', 'Fire extinguishers and other fire equipment are in place and in date'),
    def('safety.fire_hazard', 'safety', 3, 0, '未发现重大火灾隐患', 'No serious fire hazard found', true),
    def('ops.records', 'operations', 2, 0.5, '按季度记录营业额、服务人次、员工数量等运营台账', 'Operating records of turnover, service visits and staff are kept every quarter'),
    def('vit.chain_share', 'vitality', 4, 0.75, '品牌连锁商户占比不低于30%', 'Branded chains make up at least 30% of tenants'),
    def('model.ecommerce', 'model', 2, 0.6, '与电商企业合作，推动线上线下融合', 'Works with e-commerce companies to integrate online and offline services'),
    def('sat.residents', 'satisfaction', 8, 0.35, '居民满意度抽样调查', 'Resident satisfaction sample'),
  ],
  block: [
    def('basic.facility_per_100', 'basic', 3, 0.6, ...PER_100_BLOCK),
    def('svc.formats', 'services', 16, 0.3, '街区业态构成', 'Kinds of business in the block'),
    def('svc.price_display', 'services', 3, 0, '商品和服务明码标价', 'Goods and services carry clearly displayed prices'),
    def('safety.fire_check', 'safety', 5, 0.4, '消防安全检查结果', 'Fire safety check result', true),
    def('vit.chain_share', 'vitality', 4, 0.8, '品牌连锁商户占比不低于30%', 'Branded chains make up at least 30% of tenants'),
    def('sat.residents', 'satisfaction', 8, 0.25, '居民和顾客满意度抽样调查', 'Resident and customer satisfaction sample'),
  ],
  township: [
    def('basic.sign', 'basic', 2, 0, '门头标识醒目，标明生活综合服务中心名称', 'A clear storefront sign shows the name of the comprehensive life service centre'),
    def('basic.facility_per_100', 'basic', 3, 0.7, ...PER_100),
    def('svc.village_supply', 'services', 3, 0.55, '向周边村级服务站统一配送商品', 'Delivers goods to the surrounding village stations'),
    def('svc.market', 'services', 3, 0.85, '集贸市场经营秩序', 'Order in the farmers\' market'),
    def('safety.fire_check', 'safety', 5, 0.5, '消防安全检查结果', 'Fire safety check result', true),
    def('safety.no_fake_goods', 'safety', 4, 0, '未发现假冒伪劣商品（含假劣农资）和过期商品', 'No counterfeit or substandard goods (including fake farm inputs) and no expired goods found'),
    def('vit.returnees', 'vitality', 2, 0.9, '返乡农民工、大学生等人员参与中心建设或运营', 'Returning migrant workers, graduates or others who came back take part in building or running the centre'),
    def('sat.residents', 'satisfaction', 6, 0.3, '居民满意度抽样调查', 'Resident satisfaction sample'),
  ],
  village: [
    def('basic.sign', 'basic', 2, 0, '门头使用统一标识', 'The shop front carries the unified sign'),
    def('basic.goods_large', 'basic', 4, 0.5, '经营商品品种数：500人及以上的村不少于600种', 'Kinds of goods on sale: at least 600 in a village of 500 people or more'),
    def('svc.unified', 'services', 4, 0.4, '统一管理、统一核算、统一配送和服务承诺', 'Unified management, unified accounting, unified distribution and a service pledge'),
    def('safety.fire_hazard', 'safety', 3, 0, '未发现重大火灾隐患', 'No serious fire hazard found', true),
    def('safety.cold_chain', 'safety', 2, 0.7, '冷藏冷冻设备正常运行，冷藏食品按要求存放', 'Refrigerators and freezers work, and chilled food is stored as required'),
    def('vit.training', 'vitality', 2, 0.8, '经营者近12个月参加过业务培训', 'The operator has had business training in the last 12 months'),
    def('sat.villagers', 'satisfaction', 6, 0.6, '村民满意度抽样调查', 'Villager satisfaction sample'),
  ],
};

/// How much of an item's weakness an inspection of this grade shows.
const BY_GRADE: Record<Grade, number> = { excellent: 0.25, good: 0.6, pass: 1.1, fail: 1 };

/// 0.8–1.2, the same for a county and item every time: counties differ a little.
function spread(county: string, item: string): number {
  let h = 7;
  for (const ch of county + item) h = (h * 31 + ch.charCodeAt(0)) % 1009;
  return 0.8 + (h % 41) / 100;
}

/// The server's summed row: a county, centre type and item over the quarter's inspections.
type Row = { county: string; centre_type: CentreType; def: Def; inspections: number; max_points: number; lost_points: number; vetoes: number };

function itemRows(inspections: InspectionRow[]): Row[] {
  const rows = new Map<string, Row>();
  for (const r of inspections) {
    const county = r.region.county;
    const mult = BY_GRADE[r.grade ?? 'pass'];
    for (const d of ITEMS[r.centre_type]) {
      const key = `${county}\u001f${r.centre_type}\u001f${d.item}`;
      const row = rows.get(key) ?? { county, centre_type: r.centre_type, def: d, inspections: 0, max_points: 0, lost_points: 0, vetoes: 0 };
      const vetoed = r.vetoes > 0 && d.veto;
      const lost = vetoed ? d.points : Math.round(d.points * Math.min(1, d.weak * mult * spread(county, d.item)) * 2) / 2;
      row.inspections += 1;
      row.max_points += d.points;
      row.lost_points += lost;
      row.vetoes += vetoed ? 1 : 0;
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}

const rate4 = (lost: number, max: number) => (max > 0 ? Math.round((lost / max) * 10_000) / 10_000 : 0);
const round2 = (n: number) => Math.round(n * 100) / 100;

/// Rows summed over counties (the region's view), per centre type and item.
function merge(rows: Row[]): Row[] {
  const out = new Map<string, Row>();
  for (const r of rows) {
    const key = `${r.centre_type}\u001f${r.def.item}`;
    const e = out.get(key) ?? { ...r, county: '', inspections: 0, max_points: 0, lost_points: 0, vetoes: 0 };
    e.inspections += r.inspections;
    e.max_points += r.max_points;
    e.lost_points += r.lost_points;
    e.vetoes += r.vetoes;
    out.set(key, e);
  }
  return [...out.values()];
}

const loss = (r: Row): ItemLoss => ({
  centre_type: r.centre_type, item: r.def.item, section: r.def.section, title_zh: r.def.zh, title_en: r.def.en,
  inspections: r.inspections, max_points: round2(r.max_points), lost_points: round2(r.lost_points),
  lost_rate: rate4(r.lost_points, r.max_points), vetoes: r.vetoes,
});

const worstFirst = (items: ItemLoss[]) => [...items].sort((a, b) =>
  b.lost_rate - a.lost_rate || b.vetoes - a.vetoes || b.lost_points - a.lost_points);
const losing = (r: Row) => r.max_points > 0 && r.lost_points > 0;
const TYPES: CentreType[] = ['community', 'block', 'township', 'village'];
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function items(rows: Row[]): ItemLoss[] {
  const merged = merge(rows).filter(losing);
  return TYPES.flatMap((c) => worstFirst(merged.filter((r) => r.centre_type === c).map(loss)).slice(0, PER_TYPE));
}

export function byCounty(rows: Row[]): CountyWeakness[] {
  const counties = [...new Set(rows.map((r) => r.county))].sort(byName);
  return counties.map((county) => ({
    county,
    items: worstFirst(merge(rows.filter((r) => r.county === county)).filter(losing).map(loss)).slice(0, PER_COUNTY),
  }));
}

export function vetoes(rows: Row[]): ItemLoss[] {
  return merge(rows).filter((r) => r.vetoes > 0).map(loss).sort((a, b) => b.vetoes - a.vetoes || byName(a.item, b.item));
}

/// Counties by average score, best first; equal averages share a rank.
export function ranking(averages: ChartData['by_county']): CountyRank[] {
  const sorted = [...averages].sort((a, b) => b.average - a.average || byName(a.county, b.county));
  const out: CountyRank[] = [];
  sorted.forEach((a, i) => {
    const last = out.at(-1);
    out.push({ rank: last && last.average === a.average ? last.rank : i + 1, county: a.county, average: a.average, inspections: a.count });
  });
  return out;
}

export function closure(ledger: LedgerRow[]): CountyClosure[] {
  return ledger.map((l) => {
    const closed = l.closed_on_time + l.closed_late;
    const issued = l.open + l.overdue + closed;
    return { county: l.county, issued, closed, overdue: l.overdue, rate: issued > 0 ? Math.round((closed / issued) * 10_000) / 10_000 : null };
  });
}

/// `a` covers `b` (empty parts of `a` are "all").
const covers = (a: Scope, b: { province: string; city: string; county: string }) =>
  (!a.province || a.province === b.province) && (!a.city || a.city === b.city) && (!a.county || a.county === b.county);

/// What the analysis reads from the rest of the mock.
export type Sources = {
  /// The inspections of the quarter the charts count (signed, scored).
  inspections: InspectionRow[];
  charts: ChartData;
  ledger: LedgerRow[];
  timeliness: Timeliness[];
};

/// The server's refusals: 403 for inspectors and operators, 400 for a bad quarter.
export function checkAnalysis(user: User, quarter: string): void {
  if (user.role !== 'supervisor' && user.role !== 'administrator') {
    throw new ApiError(403, 'forbidden', 'this is outside your role or region');
  }
  if (!/^\d{4}Q[1-4]$/.test(quarter)) throw new ApiError(400, 'bad_request', `\`${quarter.slice(0, 32)}\` is not a quarter like 2026Q4`);
}

/// The analysis of `quarter` in the user's region (a national administrator names the province).
export function mockAnalysis(user: User, quarter: string, province: string | undefined, s: Sources): Analysis {
  checkAnalysis(user, quarter);
  const region: Scope = { ...user.scope };
  if (!region.province && province) region.province = province;
  const rows = itemRows(s.inspections.filter((r) => r.quarter === quarter && covers(region, r.region)));
  return {
    quarter, region,
    items: items(rows), by_county: byCounty(rows), vetoes: vetoes(rows),
    ranking: ranking(s.charts.by_county.filter((c) => !region.county || c.county === region.county)),
    closure: closure(s.ledger.filter((l) => covers(region, { province: region.province, city: l.city, county: l.county }))),
    timeliness: s.timeliness,
    trend: s.charts.by_quarter,
  };
}
