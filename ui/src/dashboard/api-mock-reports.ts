// The in-memory quarterly report chain (季度报表: 填报 → 审核 → 上报) behind
// MockApi, with the server's rules (server/src/reporting): a county submits
// its live tables, its city approves or returns them (退回 with a comment),
// the city submits the sum of its approved counties, the province approves
// or returns that and sends the sum of its approved cities to the ministry
// (报送商务部). A version is frozen; a correction (更正) of an accepted one is
// the next version and says why. Deadlines: the 5th (county), 8th (city) and
// 10th (province) of the month after the quarter; 报送及时率 over four quarters.
//
// Seeded for the last complete quarter (2026Q3 in the tests): 长安区's v1 was
// returned by 石家庄市, its v2 approved; 桥西区's v1 awaits the city's review,
// so the city cannot consolidate yet; of the province's other cities, 保定市
// awaits review, 邯郸市 and 秦皇岛市 were approved, 唐山市 was returned.
import type {
  Attachment4Row, Attachment5Row, CentreFigures, PartStatus, PilotRow, ReportBoard, ReportDraft, ReportHeader, ReportLevel,
  ReportPart, ReportSnapshot, ReportStatus, ReportSummary, ReportVersion, ReviewReport, Scope, SubmitBlock, SubmitReport,
  Timeliness, User,
} from '../lib/server-types.gen';
import type { Centre, CentreType } from '../lib/types.gen';
import { ApiError } from './api';
import { chinaDate } from './api-mock-problems';
import { builtBy2018 } from './api-mock-registry';
import { previousQuarter, quarterEnd, quarterEnded, shiftQuarter } from './quarters';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const DAY = 86_400_000;
const TYPES: CentreType[] = ['community', 'block', 'township', 'village'];

/// A county supervisor: `new MockApi({ user: COUNTY_SUPERVISOR })` (the dashboard: `?mock&county`).
export const COUNTY_SUPERVISOR: User = {
  id: 9, username: 'sup-changan', display_name: '刘洋', role: 'supervisor',
  scope: { province: '河北省', city: '石家庄市', county: '长安区' }, disabled: false, centres: [],
};

const PROVINCE = '河北省';
const scope = (city = '', county = ''): Scope => ({ province: PROVINCE, city, county });
const same = (a: Scope, b: Scope) => a.province === b.province && a.city === b.city && a.county === b.county;
/// `a` covers `b` (empty parts of `a` are "all").
const covers = (a: Scope, b: Scope) =>
  (!a.province || a.province === b.province) && (!a.city || a.city === b.city) && (!a.county || a.county === b.county);

export function levelOf(s: Scope): ReportLevel | null {
  return s.county ? 'county' : s.city ? 'city' : s.province ? 'province' : null;
}
const parentOf = (s: Scope): Scope | null =>
  s.county ? { ...s, county: '' } : s.city ? { province: s.province, city: '', county: '' } : null;
export const regionName = (s: Scope) => s.county || s.city || s.province || '全国';

/// The 2020 census populations (常住人口) the demo seeds (the pilot targets' basis), and
/// the other cities' registries: [type, built, under construction, planned], and how
/// many of their centres had been built by the end of 2018 (the pilot's deadline).
export const SHIJIAZHUANG_POPULATION = 11_235_086;
export const OTHER_CITIES: {
  city: string; population: number; rows: [CentreType, number, number, number][]; built_2018q4: number; by: string;
}[] = [
  { city: '保定市', population: 9_242_000, by: 'sup-baoding', built_2018q4: 6,
    rows: [['community', 6, 3, 4], ['block', 1, 1, 0], ['township', 3, 2, 5], ['village', 14, 6, 9]] },
  { city: '邯郸市', population: 9_413_990, by: 'sup-handan', built_2018q4: 3,
    rows: [['community', 4, 2, 2], ['block', 2, 0, 1], ['township', 2, 1, 3], ['village', 9, 4, 12]] },
  { city: '唐山市', population: 7_717_000, by: 'sup-tangshan', built_2018q4: 5,
    rows: [['community', 5, 1, 1], ['block', 1, 0, 1], ['township', 2, 2, 2], ['village', 7, 3, 5]] },
  { city: '秦皇岛市', population: 3_136_000, by: 'sup-qinhuangdao', built_2018q4: 2,
    rows: [['community', 2, 1, 0], ['block', 0, 1, 0], ['township', 1, 0, 1], ['village', 3, 2, 2]] },
];
const CITIES = ['石家庄市', ...OTHER_CITIES.map((c) => c.city)];

/// 三(四): at least 10 centres in a city of 10 million residents or more, at least 5 in one of 5–10 million.
export function pilotTarget(population: number | null): number | null {
  if (population == null) return null;
  return population >= 10_000_000 ? 10 : population >= 5_000_000 ? 5 : null;
}

const DEADLINE_DAY: Record<ReportLevel, number> = { county: 5, city: 8, province: 10 };
/// The last day (China, YYYY-MM-DD) a level submits its first version of `quarter` on time.
export function deadlineOf(quarter: string, level: ReportLevel): string {
  return chinaDate(quarterEnd(quarter) + (DEADLINE_DAY[level] - 1) * DAY);
}
/// The `day`th of the month after `quarter`, at `hour` China time.
const after = (quarter: string, day: number, hour = 10) => quarterEnd(quarter) + (day - 1) * DAY + hour * 3_600_000;

const HEADERS: Record<string, ReportHeader> = {
  长安区: { unit: '石家庄市长安区商务局', preparer: '赵敏', checker: '张建国', phone: '0311-86012345' },
  桥西区: { unit: '石家庄市桥西区商务局', preparer: '孙丽', checker: '刘强', phone: '0311-87654321' },
  石家庄市: { unit: '石家庄市商务局', preparer: '陈静', checker: '王海涛', phone: '0311-85201234' },
  河北省: { unit: '河北省商务厅', preparer: '孙丽', checker: '周文斌', phone: '0311-87909000' },
};
const headerOf = (s: Scope): ReportHeader =>
  clone(HEADERS[regionName(s)] ?? { unit: `${regionName(s)}商务局`, preparer: '李明', checker: '王刚', phone: '0312-5012345' });

/// One seeded version: region, quarter back from the one due, status, submitted and reviewed (days of the month after the quarter).
type Seed = {
  region: Scope; back: number; status: ReportStatus; by: string; day: number; reviewed?: [by: string, day: number, comment: string];
  reason?: string;
};

const CHANGAN = scope('石家庄市', '长安区');
const QIAOXI = scope('石家庄市', '桥西区');
const SJZ = scope('石家庄市');
const HEBEI = scope();
const RETURN_COMMENT = '西兆通镇生活综合服务中心营业额环比翻倍，请核实台账后重新上报。';

/// Earlier quarters went up the whole chain (some late); the quarter due is under way.
function seeds(): Seed[] {
  const out: Seed[] = [];
  const ok = (who: string, day: number): [string, number, string] => [who, day, '同意。'];
  // [back, 长安区 day, 桥西区 day, 石家庄市 day, other cities' day, 河北省 day]
  const earlier: [number, number, number, number, number, number][] = [[3, 3, 4, 7, 6, 9], [2, 2, 4, 11, 7, 13], [1, 4, 7, 8, 8, 10]];
  for (const [back, changan, qiaoxi, city, others, province] of earlier) {
    out.push({ region: CHANGAN, back, status: 'approved', by: 'sup-changan', day: changan, reviewed: ok('sup-zhao', changan + 1) });
    out.push({ region: QIAOXI, back, status: 'approved', by: 'sup-qiaoxi', day: qiaoxi, reviewed: ok('sup-zhao', qiaoxi + 1) });
    out.push({ region: SJZ, back, status: 'approved', by: 'sup-zhao', day: city, reviewed: ok('admin-hebei', city + 1) });
    for (const o of OTHER_CITIES) {
      out.push({ region: scope(o.city), back, status: 'approved', by: o.by, day: others, reviewed: ok('admin-hebei', others + 1) });
    }
    out.push({ region: HEBEI, back, status: 'reported', by: 'admin-hebei', day: province });
  }
  out.push(
    { region: CHANGAN, back: 0, status: 'returned', by: 'sup-changan', day: 2, reviewed: ['sup-zhao', 3, RETURN_COMMENT] },
    { region: CHANGAN, back: 0, status: 'approved', by: 'sup-changan', day: 4, reviewed: ['sup-zhao', 5, '同意。'],
      reason: '已核实台账：西兆通镇中心新增入驻商户，营业额属实。' },
    { region: QIAOXI, back: 0, status: 'submitted', by: 'sup-qiaoxi', day: 8 },
    { region: scope('保定市'), back: 0, status: 'submitted', by: 'sup-baoding', day: 7 },
    { region: scope('邯郸市'), back: 0, status: 'approved', by: 'sup-handan', day: 6, reviewed: ['admin-hebei', 8, '同意。'] },
    { region: scope('唐山市'), back: 0, status: 'returned', by: 'sup-tangshan', day: 9,
      reviewed: ['admin-hebei', 10, '村级服务站建成数与上季度相比减少3个，请说明原因或更正后重新上报。'] },
    { region: scope('秦皇岛市'), back: 0, status: 'approved', by: 'sup-qinhuangdao', day: 5, reviewed: ['admin-hebei', 7, '同意。'] },
  );
  return out;
}

/** The demo accounts' names, as the server reads them with each version. */
const NAMES: Record<string, string> = {
  'sup-changan': '长安区商务局 张科长',
  'sup-qiaoxi': '桥西区商务局 刘科长',
  'sup-shijiazhuang': '石家庄市商务局 陈科长',
  'admin-hebei': '河北省商务厅管理员',
};
const nameOf = (username: string): string => NAMES[username] ?? username;

export class MockReports {
  versions: ReportVersion[] = [];
  private nextId = 1;

  constructor(private centres: Centre[], private figures: () => CentreFigures[], private now: () => number = Date.now) {
    const due = previousQuarter(now());
    for (const s of seeds()) {
      const quarter = shiftQuarter(due, -s.back);
      const at = after(quarter, s.day);
      if (at > now()) continue;
      const v = this.add(s.region, quarter, headerOf(s.region), s.reason ?? '', s.by, at, s.status === 'reported' ? 'reported' : 'submitted');
      if (s.reviewed && s.status !== 'submitted' && s.status !== 'reported') {
        const [by, day, comment] = s.reviewed;
        Object.assign(v, { status: s.status, reviewed_by: by, reviewed_by_name: nameOf(by), reviewed_at: Math.min(after(quarter, day, 16), now()), review_comment: comment });
      }
    }
  }

  private overseer(user: User): void {
    if (user.role !== 'supervisor' && user.role !== 'administrator') {
      throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    }
  }

  private checkedQuarter(q: string): void {
    if (!/^\d{4}Q[1-4]$/.test(q)) throw new ApiError(400, 'bad_request', `\`${q.slice(0, 32)}\` is not a quarter like 2026Q4`);
  }

  /// The regions one level down that have registered centres.
  private below(s: Scope): Scope[] {
    switch (levelOf(s)) {
      case null: return [scope()];
      case 'province': return s.province === PROVINCE ? CITIES.map((c) => scope(c)) : [];
      case 'city': return [...new Set(this.centres.filter((c) => c.region.province === s.province && c.region.city === s.city)
        .map((c) => c.region.county))].map((county) => scope(s.city, county));
      case 'county': return [];
    }
  }

  private of(region: Scope, quarter: string): ReportVersion[] {
    return this.versions.filter((v) => same(v.region, region) && v.quarter === quarter).sort((a, b) => a.version - b.version);
  }
  private latest(region: Scope, quarter: string): ReportVersion | undefined { return this.of(region, quarter).at(-1); }
  private accepted(region: Scope, quarter: string): ReportVersion | undefined {
    return this.of(region, quarter).filter((v) => v.status === 'approved' || v.status === 'reported').at(-1);
  }

  private blocked(region: Scope, quarter: string): SubmitBlock | null {
    const level = levelOf(region);
    if (!level) return 'not_reporting';
    if (!quarterEnded(quarter, this.now())) return 'quarter_open';
    if (this.latest(region, quarter)?.status === 'submitted') return 'awaiting_review';
    if (level === 'county') return null;
    const below = this.below(region);
    if (!below.length) return 'no_parts';
    return below.some((r) => !this.accepted(r, quarter)) ? 'parts_pending' : null;
  }

  private timeliness(region: Scope, level: ReportLevel, quarter: string, today: string): Timeliness {
    const t: Timeliness = { region: clone(region), due: 0, on_time: 0, late: 0, missing: 0, rate: null };
    for (let i = -3; i <= 0; i++) {
      const q = shiftQuarter(quarter, i);
      const deadline = deadlineOf(q, level);
      const first = this.of(region, q)[0];
      if (first && chinaDate(first.submitted_at) <= deadline) t.on_time++;
      else if (first) t.late++;
      else if (today > deadline) t.missing++;
      else continue;
      t.due++;
    }
    t.rate = t.due ? Math.round((t.on_time / t.due) * 10_000) / 10_000 : null;
    return t;
  }

  board(user: User, quarter: string): ReportBoard {
    this.overseer(user);
    this.checkedQuarter(quarter);
    const region = clone(user.scope);
    const level = levelOf(region);
    const today = chinaDate(this.now());
    const versions = this.of(region, quarter);
    const newest = versions.at(-1);
    const partLevel: ReportLevel = level === null ? 'province' : level === 'province' ? 'city' : 'county';
    const parts: PartStatus[] = this.below(region).map((r) => {
      const latest = this.latest(r, quarter);
      const deadline = deadlineOf(quarter, partLevel);
      return { region: r, level: partLevel, latest: latest ? summary(latest) : null,
        accepted: this.accepted(r, quarter)?.version ?? null,
        consolidated: newest?.snapshot.parts.find((p) => same(p.region, r))?.version ?? null,
        deadline, overdue: !latest && today > deadline };
    });
    const deadline = level ? deadlineOf(quarter, level) : null;
    const timeliness = [
      ...(level ? [this.timeliness(region, level, quarter, today)] : []),
      ...parts.map((p) => this.timeliness(p.region, partLevel, quarter, today)),
    ];
    return clone({
      quarter, region, level, deadline, overdue: !versions.length && deadline != null && today > deadline,
      versions: versions.map(summary), blocked: this.blocked(region, quarter), parts,
      stale: versions.length > 0 && level !== 'county' && parts.some((p) => p.accepted != null && p.accepted !== p.consolidated),
      timeliness,
    });
  }

  private snapshot(region: Scope, quarter: string, at: number): ReportDraft {
    const level = levelOf(region);
    if (!level) throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    if (level === 'county') return { snapshot: this.county(region, quarter, at), pending: [] };
    const pending: Scope[] = [];
    const parts: [ReportPart, ReportSnapshot][] = [];
    for (const r of this.below(region)) {
      const v = this.accepted(r, quarter);
      if (v) parts.push([{ region: clone(r), id: v.id, version: v.version }, v.snapshot]);
      else pending.push(clone(r));
    }
    return { snapshot: consolidate(quarter, region, level, parts, at), pending };
  }

  draft(user: User, quarter: string): ReportDraft {
    this.overseer(user);
    this.checkedQuarter(quarter);
    return clone(this.snapshot(user.scope, quarter, this.now()));
  }

  /// A county's live tables: the registry as it stands, the period's figures, who has none (未报).
  private county(region: Scope, quarter: string, at: number): ReportSnapshot {
    const here = this.centres.filter((c) => c.region.province === region.province && c.region.city === region.city
      && c.region.county === region.county);
    const newest = (code: string) => this.figures().filter((f) => f.centre_code === code && f.period === quarter)
      .sort((a, b) => b.version - a.version)[0];
    const attachment4: Attachment4Row[] = [];
    const attachment5: Attachment5Row[] = [];
    for (const centre_type of TYPES) {
      const cs = here.filter((c) => c.centre_type === centre_type);
      if (!cs.length) continue;
      const count = (s: Centre['status']) => cs.filter((c) => c.status === s).length;
      attachment4.push({ city: region.city, centre_type, built: count('built'), under_construction: count('under_construction'),
        planned: count('planned') });
      const figures = cs.filter((c) => c.status === 'built').map((c) => newest(c.code)).filter((f) => f != null);
      const total = (k: 'turnover_wan' | 'visits' | 'staff' | 'merchants') => Math.round(figures.reduce((s, f) => s + f[k], 0) * 100) / 100;
      attachment5.push({ city: region.city, centre_type, built: count('built'), reporting: figures.length, self_reported: figures.length,
        turnover_10k_yuan: total('turnover_wan'), service_visits: total('visits'), staff: total('staff'), tenants: total('merchants') });
    }
    const unreported = here.filter((c) => c.status === 'built' && !newest(c.code)).map((c) => ({ code: c.code, name: c.name }));
    const built_2018q4 = here.filter((c) => builtBy2018(c.code)).length;
    return { quarter, region: clone(region), level: 'county', attachment4, attachment5, pilot: [], unreported, parts: [], built_2018q4,
      generated_at: at };
  }

  private add(region: Scope, quarter: string, header: ReportHeader, reason: string, by: string, at: number,
    status: ReportStatus): ReportVersion {
    const level = levelOf(region)!;
    const snapshot = OTHER_CITIES.some((o) => o.city === region.city) && level === 'city'
      ? otherCity(region, quarter, at) : this.snapshot(region, quarter, at).snapshot;
    const v: ReportVersion = {
      id: this.nextId++, quarter, region: clone(region), level, version: this.of(region, quarter).length + 1, status, reason,
      submitted_by: by, submitted_by_name: nameOf(by), submitted_at: at, reviewed_by: null, reviewed_by_name: null, reviewed_at: null,
      review_comment: '', header, snapshot,
    };
    this.versions.push(v);
    return v;
  }

  submit(user: User, req: SubmitReport): ReportVersion {
    this.overseer(user);
    this.checkedQuarter(req.quarter);
    const header = checkedHeader(req.header);
    const reason = text('reason (更正说明)', req.reason ?? '', 500, false);
    const region = user.scope;
    const level = levelOf(region);
    if (!level) throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    const latest = this.latest(region, req.quarter);
    switch (this.blocked(region, req.quarter)) {
      case null: break;
      case 'quarter_open':
        throw new ApiError(409, 'conflict', `${req.quarter} has not ended: its report is filled in the first days of the next quarter`);
      case 'awaiting_review': throw new ApiError(409, 'conflict', `version ${latest?.version ?? 0} awaits review by the level above`);
      case 'no_parts': throw new ApiError(409, 'conflict', 'no region below this one has registered centres');
      case 'not_reporting': throw new ApiError(403, 'forbidden', 'this is outside your role or region');
      case 'parts_pending': {
        const names = this.below(region).filter((r) => !this.accepted(r, req.quarter)).map(regionName);
        throw new ApiError(409, 'conflict', `not yet approved: ${names.join('、')}`);
      }
    }
    if (latest && (latest.status === 'approved' || latest.status === 'reported') && !reason) {
      throw new ApiError(422, 'invalid', `version ${latest.version} was accepted: a correction (更正) needs its reason`);
    }
    const v = this.add(region, req.quarter, header, reason, user.username, this.now(), level === 'province' ? 'reported' : 'submitted');
    return clone(v);
  }

  version(user: User, id: number): ReportVersion {
    this.overseer(user);
    const v = this.versions.find((x) => x.id === id);
    if (!v || !covers(user.scope, v.region)) throw new ApiError(404, 'not_found', 'report not found');
    return clone(v);
  }

  review(user: User, id: number, req: ReviewReport): ReportVersion {
    const v = this.version(user, id);
    const parent = parentOf(v.region);
    if (!parent || !same(parent, user.scope)) throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    const comment = text('comment (审核意见)', req.comment ?? '', 500, req.decision === 'return');
    const stored = this.versions.find((x) => x.id === id)!;
    if (stored.status !== 'submitted' || this.latest(stored.region, stored.quarter)?.id !== id) {
      throw new ApiError(409, 'conflict', 'only the newest version awaiting review can be reviewed');
    }
    Object.assign(stored, { status: req.decision === 'approve' ? 'approved' : 'returned', reviewed_by: user.username,
      reviewed_by_name: user.display_name || user.username,
      reviewed_at: this.now(), review_comment: comment });
    return clone(stored);
  }
}

function summary(v: ReportVersion): ReportSummary {
  const { header: _h, snapshot: _s, ...rest } = v;
  return clone(rest);
}

function text(field: string, value: string, max: number, required: boolean): string {
  const v = value.trim();
  if (required && !v) throw new ApiError(422, 'invalid', `${field} is required`);
  if ([...v].length > max || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new ApiError(422, 'invalid', `${field}: at most ${max} characters, no control characters`);
  }
  return v;
}

function checkedHeader(h: ReportHeader): ReportHeader {
  const phone = text('phone (联系电话)', h.phone ?? '', 32, true);
  if (!/^[0-9 +\-()]+$/.test(phone) || phone.length < 5) {
    throw new ApiError(422, 'invalid', 'phone (联系电话): digits, spaces, + - ( ) only');
  }
  return { unit: text('unit (填报单位)', h.unit ?? '', 64, true), preparer: text('preparer (填报人)', h.preparer ?? '', 32, true),
    checker: text('checker (审核人)', h.checker ?? '', 32, true), phone };
}

/// A city or province report: the sum of the approved reports below, by city and type.
function consolidate(quarter: string, region: Scope, level: ReportLevel, parts: [ReportPart, ReportSnapshot][], at: number): ReportSnapshot {
  const a4 = new Map<string, Attachment4Row>();
  const a5 = new Map<string, Attachment5Row>();
  for (const [, s] of parts) {
    for (const r of s.attachment4) {
      const k = `${r.city}\u001f${r.centre_type}`;
      const row = a4.get(k) ?? { ...r, built: 0, under_construction: 0, planned: 0 };
      row.built += r.built; row.under_construction += r.under_construction; row.planned += r.planned;
      a4.set(k, row);
    }
    for (const r of s.attachment5) {
      const k = `${r.city}\u001f${r.centre_type}`;
      const row = a5.get(k) ?? { ...r, built: 0, reporting: 0, self_reported: 0, turnover_10k_yuan: 0, service_visits: 0, staff: 0, tenants: 0 };
      row.built += r.built; row.reporting += r.reporting; row.self_reported += r.self_reported;
      row.turnover_10k_yuan = Math.round((row.turnover_10k_yuan + r.turnover_10k_yuan) * 100) / 100;
      row.service_visits += r.service_visits; row.staff += r.staff; row.tenants += r.tenants;
      a5.set(k, row);
    }
  }
  const order = (a: { city: string; centre_type: CentreType }, b: { city: string; centre_type: CentreType }) =>
    a.city.localeCompare(b.city) || TYPES.indexOf(a.centre_type) - TYPES.indexOf(b.centre_type);
  const attachment4 = [...a4.values()].sort(order);
  const built_2018q4 = parts.reduce((n, [, s]) => n + s.built_2018q4, 0);
  let pilot: PilotRow[] = [];
  if (level === 'city') {
    const population = region.city === '石家庄市' ? SHIJIAZHUANG_POPULATION
      : OTHER_CITIES.find((o) => o.city === region.city)?.population ?? null;
    pilot = [pilotRow(region.city, population, attachment4, built_2018q4)];
  } else if (level === 'province') {
    pilot = parts.flatMap(([, s]) => s.pilot).sort((a, b) => a.city.localeCompare(b.city));
  }
  return { quarter, region: clone(region), level, attachment4, attachment5: [...a5.values()].sort(order), pilot, unreported: [],
    parts: parts.map(([p]) => p), built_2018q4, generated_at: at };
}

/// A city's pilot target (2018, 三(四)) against its centres of every type: built and under
/// construction at the quarter's end, and built by the end of 2018Q4 (the pilot's deadline).
export function pilotRow(city: string, population: number | null, attachment4: Attachment4Row[], built_2018q4: number): PilotRow {
  const target = pilotTarget(population);
  const built = attachment4.reduce((s, r) => s + r.built, 0);
  const under_construction = attachment4.reduce((s, r) => s + r.under_construction, 0);
  return { city, population, target, built, under_construction, met: target == null ? null : built >= target,
    built_2018q4, met_2018q4: target == null ? null : built_2018q4 >= target };
}

/// The other cities' reports: their registries, and figures for most built centres.
function otherCity(region: Scope, quarter: string, at: number): ReportSnapshot {
  const o = OTHER_CITIES.find((x) => x.city === region.city)!;
  const attachment4 = o.rows.map(([centre_type, built, under_construction, planned]) =>
    ({ city: o.city, centre_type, built, under_construction, planned }));
  const attachment5 = o.rows.map(([centre_type, built]) => {
    const reporting = Math.max(0, built - 1);
    const scale = centre_type === 'village' ? 0.1 : centre_type === 'township' ? 0.6 : centre_type === 'block' ? 2.5 : 1;
    return { city: o.city, centre_type, built, reporting, self_reported: Math.floor(reporting / 2),
      turnover_10k_yuan: Math.round(reporting * 92 * scale * 10) / 10, service_visits: Math.round(reporting * 11_000 * scale),
      staff: Math.round(reporting * 8 * scale) + reporting, tenants: Math.round(reporting * 5 * scale) + reporting };
  });
  return { quarter, region: clone(region), level: 'city', attachment4, attachment5,
    pilot: [pilotRow(o.city, o.population, attachment4, o.built_2018q4)], unreported: [], parts: [], built_2018q4: o.built_2018q4,
    generated_at: at };
}
