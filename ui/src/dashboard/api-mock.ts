// In-memory DashboardApi for component tests and `dashboard.html?mock`:
// 河北省石家庄市, 长安区 and 桥西区, centres of all four types, 12 inspections
// (one returned, one with conflicts, some not verified on site).
import type {
  Assignment, Attachment4Row, Attachment5Row, CentreOverview, ChartData, CityRegions, CreatePlan, EditProblem, Escalation, Feedback,
  InspectionRow, IssueNotice, LedgerRow, LoginResponse, NewAssignments, Notice, NoticeView, Page, Plan, PlanView, Problem,
  ProblemView, Publication, Publish, QuarterlyStats, RegistryRow, Replacement, ReportView, ReviewRequest, ScoreRow, StoredPhoto,
  SpotCheck, User, FigureReport, NewOperator, ReportBoard, ReportDraft, ReportVersion, ReviewReport, SubmitReport, Analysis,
  ExemplarAction, ExemplarView, Nomination, DraftMigration,
} from '../lib/server-types.gen';
import type {
  AnswerRecord, Centre, CentreType, GpsFix, Grade, InspectionSnapshot, PhotoRecord, Report, Review, Template,
  WorkflowStatus,
} from '../lib/types.gen';
import { CENTRES, TEMPLATE } from '../lib/mock-data';
import { computeReport } from '../lib/mock-report';
import {
  ApiError, type DashboardApi, type FollowUpRequest, type InspectionQuery, type ProblemQuery, type RegionFilter, type RegistryQuery,
  type ReportFile, type StatsQuery,
} from './api';
import { MOCK_USERS, MockPlans } from './api-mock-plans';
import { mockPage } from './api-mock-page';
import { MockProblems } from './api-mock-problems';
import { MockPublications } from './api-mock-publications';
import { MockOperators } from './api-mock-operators';
import { MockReports, OTHER_CITIES, SHIJIAZHUANG_POPULATION, pilotRow } from './api-mock-reports';
import { builtBy2018, normsOf } from './api-mock-registry';
import { checkAnalysis, mockAnalysis } from './api-mock-analysis';
import { MockExemplars } from './api-mock-exemplars';
import { quarterOf, shiftQuarter } from './quarters';

export const SUPERVISOR: User = {
  id: 7, username: 'sup-zhao', display_name: '赵敏', role: 'supervisor',
  scope: { province: '河北省', city: '石家庄市', county: '' }, disabled: false, centres: [],
};
/// A province's administrator: publishes results (结果公示); `new MockApi({ user: ADMINISTRATOR })`.
export const ADMINISTRATOR: User = {
  id: 8, username: 'admin-hebei', display_name: '孙丽', role: 'administrator',
  scope: { province: '河北省', city: '', county: '' }, disabled: false, centres: [],
};
export const MOCK_PASSWORD = 'demo1234';

const INSPECTORS: Record<string, string> = { 'insp-wang': '王芳', 'insp-li': '李强', 'insp-chen': '陈静' };

function centre(code: string, name: string, centre_type: CentreType, county: string, township: string, lat: number, lon: number,
  extra: Partial<Centre> = {}): Centre {
  return { code, name, centre_type, region: { province: '河北省', city: '石家庄市', county, township }, lat, lon, geofence_m: 150,
    floor_area_m2: null, community_floor_area_m2: null, households: null, population_served: null, status: 'built', ...extra };
}

export const MOCK_CENTRES: Centre[] = [
  ...CENTRES,
  centre('130104-001', '友谊社区便民服务中心', 'community', '桥西区', '友谊街道', 38.0433, 114.4871,
    { floor_area_m2: 950, community_floor_area_m2: 12000, households: 2800, population_served: 8200 }),
  centre('130104-002', '振头社区便民服务中心', 'community', '桥西区', '振头街道', 38.0402, 114.4611,
    { floor_area_m2: 600, community_floor_area_m2: 9000, households: 2400, population_served: 7000 }),
  centre('130104-003', '东里街区生活服务集聚中心', 'block', '桥西区', '东里街道', 38.0378, 114.5032,
    // Entered from a 高德 map (GCJ-02), stored converted to WGS-84 as the server does.
    { floor_area_m2: 6800, households: 15000, population_served: 40000, datum: 'gcj02' }),
  centre('130104-004', '汇通社区便民服务中心', 'community', '桥西区', '汇通街道', 38.0329, 114.4802,
    { status: 'planned' }),
  centre('130104-101', '汇通村级生活综合服务站', 'village', '桥西区', '汇通街道', 38.0281, 114.4700,
    { floor_area_m2: 90, households: 410, population_served: 1300, geofence_m: 100 }),
];

const DAY = 86_400_000;
function quarterStart(q: string): number {
  const y = Number(q.slice(0, 4));
  const n = Number(q.slice(5));
  return Date.UTC(y, (n - 1) * 3, 1, 1, 0);
}

type Profile = 'excellent' | 'good' | 'pass' | 'veto' | 'partial';
type Seed = {
  doc: string; code: string; quarter: string; day: number; profile: Profile; by: string[];
  fixes: 'ok' | 'outside' | 'manual' | 'none' | 'inaccurate'; photos?: number; missingPhoto?: boolean;
  conflict?: boolean; status: 'draft' | 'submitted' | 'returned' | 'approved';
};

const SEEDS: Seed[] = [
  { doc: 'automerge:2Xy7RkQ1aLm3', code: '130102-001', quarter: '2026Q4', day: 40, profile: 'excellent', by: ['insp-wang'], fixes: 'ok', photos: 3, status: 'submitted' },
  { doc: 'automerge:3Fh9TzWq8PbN', code: '130102-101', quarter: '2026Q4', day: 38, profile: 'good', by: ['insp-wang', 'insp-li'], fixes: 'ok', photos: 2, conflict: true, status: 'submitted' },
  { doc: 'automerge:4Kp2VnEc5RdJ', code: '130102-102', quarter: '2026Q4', day: 35, profile: 'pass', by: ['insp-li'], fixes: 'outside', photos: 1, status: 'returned' },
  { doc: 'automerge:5Lm6YsGu3HwT', code: '130104-001', quarter: '2026Q4', day: 30, profile: 'good', by: ['insp-chen'], fixes: 'manual', photos: 2, missingPhoto: true, status: 'submitted' },
  { doc: 'automerge:6Nq4BxJi7CfV', code: '130104-002', quarter: '2026Q4', day: 28, profile: 'veto', by: ['insp-chen'], fixes: 'ok', photos: 1, status: 'submitted' },
  { doc: 'automerge:7Pr8DzLo2EgX', code: '130104-003', quarter: '2026Q4', day: 20, profile: 'partial', by: ['insp-chen'], fixes: 'none', status: 'draft' },
  { doc: 'automerge:8Qs3FaMp9GhY', code: '130102-001', quarter: '2026Q3', day: 45, profile: 'good', by: ['insp-wang'], fixes: 'ok', photos: 2, status: 'approved' },
  { doc: 'automerge:9Rt5HbNr4JkZ', code: '130102-101', quarter: '2026Q3', day: 50, profile: 'pass', by: ['insp-li'], fixes: 'ok', photos: 2, status: 'approved' },
  { doc: 'automerge:AAu7KcPs6LmB', code: '130104-001', quarter: '2026Q3', day: 52, profile: 'excellent', by: ['insp-chen'], fixes: 'ok', photos: 2, status: 'approved' },
  { doc: 'automerge:BBv9MdRt8NpC', code: '130104-101', quarter: '2026Q3', day: 60, profile: 'good', by: ['insp-chen'], fixes: 'inaccurate', photos: 2, status: 'approved' },
  { doc: 'automerge:CCw2PeSu1QrD', code: '130102-001', quarter: '2026Q2', day: 44, profile: 'pass', by: ['insp-wang'], fixes: 'ok', photos: 2, status: 'approved' },
  { doc: 'automerge:DDx4RfTv3SsE', code: '130102-102', quarter: '2026Q1', day: 33, profile: 'good', by: ['insp-li'], fixes: 'ok', photos: 2, status: 'approved' },
];

const rec = (by: string, at: number, answer: AnswerRecord['answer']): AnswerRecord => ({ answer, by, at });

function snapshot(s: Seed, c: Centre): InspectionSnapshot {
  const t0 = quarterStart(s.quarter) + s.day * DAY;
  const m = (n: number) => t0 + n * 60_000;
  const [a, b] = [s.by[0], s.by[1] ?? s.by[0]];
  const p = s.profile;
  const yes = (v: boolean) => ({ kind: 'yes_no' as const, value: v });
  const answers: Record<string, AnswerRecord> = {
    'facilities.sign': rec(a, m(4), yes(p !== 'pass')),
    'facilities.area': rec(a, m(6), { kind: 'number', value: Math.round((c.floor_area_m2 ?? 300) * 0.9) }),
    'facilities.fire': rec(b, m(9), yes(p !== 'veto')),
    'facilities.access': rec(a, m(11), p === 'excellent' ? yes(true) : { kind: 'not_applicable' }),
    'services.formats': rec(a, m(15), { kind: 'choices', value: p === 'excellent' ? ['grocery', 'parcel', 'food', 'repair', 'housekeeping', 'pharmacy'] : p === 'good' ? ['grocery', 'parcel', 'food', 'pharmacy'] : ['grocery', 'parcel'] }),
    'services.hours': rec(a, m(17), { kind: 'choice', value: p === 'excellent' || p === 'good' ? 'all_day' : 'daytime' }),
    'services.clean': rec(a, m(20), { kind: 'scale', value: p === 'excellent' ? 5 : p === 'good' ? 4 : 3 }),
    'services.prices': rec(b, m(23), yes(p !== 'pass')),
    'services.elderly': rec(b, m(25), yes(p === 'excellent' || p === 'good')),
    'satisfaction.survey': rec(b, m(48), { kind: 'sample', value: p === 'excellent' ? { asked: 12, satisfied: 12 } : p === 'pass' ? { asked: 8, satisfied: 5 } : { asked: 10, satisfied: 8 } }),
    'satisfaction.staff': rec(a, m(50), { kind: 'number', value: c.centre_type === 'village' ? 2 : 9 }),
  };
  if (p === 'partial') {
    for (const k of ['services.elderly', 'satisfaction.survey', 'satisfaction.staff', 'services.prices']) delete answers[k];
  }
  const conflicts = s.conflict ? [{ item: 'services.clean', values: [
    rec(a, m(20), { kind: 'scale', value: 4 }), rec(b, m(22), { kind: 'scale', value: 2 }),
  ] }] : [];
  const fix = (dLat: number, dLon: number, acc: number, source: GpsFix['source'], at: number, by = a): GpsFix =>
    ({ lat: c.lat + dLat, lon: c.lon + dLon, accuracy_m: acc, source, at, mock: source === 'manual' ? null : false, by });
  const gps_fixes: GpsFix[] = s.fixes === 'none' ? [] : s.fixes === 'ok'
    ? [fix(0.0009, -0.0007, 18, 'gnss', m(1)), fix(0.0003, 0.0004, 8, 'gnss', m(3)), ...(s.by[1] ? [fix(-0.0004, 0.0002, 12, 'network', m(5), b)] : [])]
    : s.fixes === 'outside' ? [fix(0.0031, 0.0024, 15, 'gnss', m(2)), fix(0.0022, 0.0019, 10, 'gnss', m(30))]
    : s.fixes === 'inaccurate' ? [fix(0.0002, 0.0001, 120, 'network', m(2))]
    : [fix(0.0001, 0.0001, 10, 'manual', m(1))];
  const photos: Record<string, PhotoRecord> = {};
  const photoItems = ['facilities.sign', 'services.prices', 'facilities.fire'];
  for (let i = 0; i < (s.photos ?? 0); i++) {
    const missing = s.missingPhoto && i === 1;
    const item = missing ? 'services.clean' : photoItems[i % photoItems.length];
    const base = `${s.doc.slice(10, 14).toLowerCase()}${i}`.padEnd(64, 'f');
    const sha = missing ? `${base.slice(0, 60)}0000` : base;
    photos[sha] = { sha256: sha, bytes: 640_000, mime: 'image/jpeg', width: 1600, height: 1200, item_id: item,
      thumbnail: missing ? null : `${sha.slice(0, 60)}abcd`, taken_at: m(5 + i * 12), gps: gps_fixes[0] ?? null, by: a };
  }
  const inspectors = Object.fromEntries(s.by.map((u) => [u, INSPECTORS[u]]));
  const review: Review | null = s.status === 'returned'
    ? { current: { status: 'returned', by: 'sup-zhao', at: m(60 * 24 * 2), comment: '定位在中心范围外，门头照片不清楚，请补充现场照片并重新核对明码标价。',
        item_comments: { 'facilities.sign': '门头照片看不清字样，请补拍。', 'services.prices': '请拍摄价签近照。' }, reviewed_sign_offs: {} }, history: [] }
    : s.status === 'approved'
      ? { current: { status: 'approved', by: 'sup-zhao', at: m(60 * 24 * 5), comment: '材料齐全，同意。', item_comments: {}, reviewed_sign_offs: {} }, history: [] }
      : null;
  return {
    centre_code: c.code, template: { id: TEMPLATE.id, version: TEMPLATE.version }, purpose: 'routine', created_by: a, created_at: m(0),
    inspectors, answers, conflicts, notes: p === 'veto' ? '灭火器已过期，现场已要求整改。' : '整体运行正常。',
    item_notes: {
      'satisfaction.quotes': '居民反映早餐品种少，希望延长营业时间。',
      ...(p === 'pass' ? { 'facilities.sign': '门头灯箱损坏。' } : {}),
    },
    photos, gps_fixes, sign_offs: s.status === 'draft' ? {} : Object.fromEntries(s.by.map((u) => [u, m(58)])), review,
  };
}

type Entry = { seed: Seed; row: InspectionRow; doc: InspectionSnapshot; report: Report; scores: ScoreRow[] };

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const centreByCode = (code: string) => MOCK_CENTRES.find((c) => c.code === code);

function rowOf(seed: Seed, c: Centre, doc: InspectionSnapshot, report: Report, status: WorkflowStatus, updated: number): InspectionRow {
  return {
    doc: seed.doc, centre_code: c.code, centre_name: c.name, centre_type: c.centre_type, region: c.region,
    template: doc.template, purpose: doc.purpose, created_by: doc.created_by, created_at: doc.created_at, updated_at: updated, quarter: seed.quarter,
    change_count: 40 + Object.keys(doc.answers).length * 3, status, official: status === 'submitted' || status === 'approved',
    total: status === 'draft' && !report.complete ? report.total : report.total, grade: report.grade, complete: report.complete,
    on_site: report.on_site.status, vetoes: report.vetoes.length, conflicts: report.conflicts.length,
    evidence_problems: report.evidence_problems.length,
  };
}

const PAGE_MAX = 200;

export class MockApi implements DashboardApi {
  signedIn: boolean;
  failures = 0;
  entries: Entry[];
  /// Plans, their draws and assignments (api-mock-plans.ts).
  planner: MockPlans;
  /// Problems, notices and the ledger (api-mock-problems.ts).
  rectification: MockProblems;
  /// Published results of confirmed plans (api-mock-publications.ts).
  publication: MockPublications;
  /// Centre operators and their figures (api-mock-operators.ts).
  operating: MockOperators;
  /// The quarterly report chain (api-mock-reports.ts).
  reporting: MockReports;
  /// 标杆样板: nominations, their publicity and recognition (api-mock-exemplars.ts).
  models: MockExemplars;
  /// Who is signed in (the supervisor unless told).
  user: User;

  constructor(opts: { signedIn?: boolean; user?: User } = {}) {
    this.signedIn = opts.signedIn ?? true;
    this.user = clone(opts.user ?? SUPERVISOR);
    this.entries = SEEDS.map((seed) => {
      const c = centreByCode(seed.code)!;
      const doc = snapshot(seed, c);
      const report = computeReport(TEMPLATE, c, doc);
      const updated = doc.created_at + 60 * 60_000 + (doc.review ? 2 * DAY : 0);
      const scores: ScoreRow[] = [
        { id: 1, heads: ['a1'], total: Math.max(0, report.total - 6.5), grade: report.grade === 'excellent' ? 'good' : report.grade,
          reason: '检查员签字后首次评分', computed_at: doc.created_at + 59 * 60_000 },
        { id: 2, heads: ['b2'], total: report.total, grade: report.grade, reason: '照片上传后重新评分', computed_at: updated },
      ];
      return { seed, doc, report, scores, row: rowOf(seed, c, doc, report, seed.status, updated) };
    });
    this.planner = new MockPlans(MOCK_CENTRES, () => this.entries.map((e) => e.row), SUPERVISOR.username,
      this.entries.map((e) => ({ row: e.row, by: e.seed.by })));
    this.rectification = new MockProblems(MOCK_CENTRES, SUPERVISOR.username, (req) => this.planner.assign(req));
    this.publication = new MockPublications((id) => this.planner.plan(id), () => this.entries.map((e) => e.row),
      () => this.rectification.problems);
    this.operating = new MockOperators(MOCK_CENTRES, () => this.rectification.problems);
    this.reporting = new MockReports(MOCK_CENTRES, () => this.operating.figures);
    this.models = new MockExemplars(MOCK_CENTRES, () => this.entries.map((e) => e.row), () => this.rectification.problems);
  }

  private auth() {
    if (!this.signedIn) throw new ApiError(401, 'unauthorized', 'not signed in');
  }
  private entry(doc: string): Entry {
    this.auth();
    const e = this.entries.find((x) => x.row.doc === doc);
    if (!e) throw new ApiError(404, 'not_found', `no inspection ${doc}`);
    return e;
  }

  async login(username: string, password: string): Promise<LoginResponse> {
    if (this.failures >= 5) throw new ApiError(429, 'too_many_requests', 'too many failed sign-ins; wait a minute');
    if (username !== this.user.username || password !== MOCK_PASSWORD) {
      this.failures++;
      throw new ApiError(401, 'unauthorized', 'wrong username or password');
    }
    this.failures = 0;
    this.signedIn = true;
    return { token: 'mock', expires_at: Date.now() + DAY, user: clone(this.user) };
  }
  async logout() { this.signedIn = false; }
  async me() { this.auth(); return clone(this.user); }

  async inspections(q: InspectionQuery): Promise<Page<InspectionRow>> {
    this.auth();
    const flags = q.flag ?? [];
    let rows = this.entries.map((e) => e.row).filter((r) =>
      (!q.quarter || r.quarter === q.quarter) && (!q.city || r.region.city === q.city) &&
      (!q.county || r.region.county === q.county) && (!q.township || r.region.township === q.township) &&
      (!q.type || r.centre_type === q.type) && (!q.template || r.template.id === q.template) &&
      (!q.status || r.status === q.status) && (!q.grade || r.grade === q.grade) && (!q.purpose || r.purpose === q.purpose) &&
      (!flags.includes('not_verified') || r.on_site !== 'verified') && (!flags.includes('conflicts') || r.conflicts > 0) &&
      (!flags.includes('missing_evidence') || r.evidence_problems > 0) && (!flags.includes('veto') || r.vetoes > 0));
    const key = (r: InspectionRow): string | number => {
      switch (q.sort ?? 'updated') {
        case 'total': return r.total ?? -1;
        case 'centre': return r.centre_name;
        case 'quarter': return r.quarter;
        default: return r.updated_at;
      }
    };
    const dir = (q.order ?? 'desc') === 'asc' ? 1 : -1;
    rows = [...rows].sort((x, y) => { const a = key(x), b = key(y); return (a < b ? -1 : a > b ? 1 : 0) * dir; });
    const per_page = Math.min(PAGE_MAX, q.per_page ?? 50);
    const page = Math.max(1, q.page ?? 1);
    return mockPage(clone(rows), page, per_page);
  }

  async spotCheck(doc: string): Promise<SpotCheck> {
    const e = this.entry(doc);
    const figures = (e.report as { figures?: Record<string, number> }).figures ?? {};
    const observed = (k: string) => figures[k] ?? null;
    const own = { turnover: 86.4, visits: 12_300, staff: 14, merchants: 9 };
    const rows = ([['turnover', 'turnover10k_yuan'], ['visits', 'service_visits'], ['staff', 'staff'], ['merchants', 'tenants']] as const)
      .map(([figure, stat]) => {
        const o = observed(stat);
        const deviation = o === null ? null : Math.round(((o - own[figure]) / own[figure]) * 10_000) / 10_000;
        return { figure, reported: own[figure], observed: o, deviation, flagged: deviation !== null && Math.abs(deviation) > 0.2 };
      });
    return { period: '2026Q3', reported: null, rows, threshold: 0.2 };
  }

  async report(doc: string): Promise<ReportView> {
    const e = this.entry(doc);
    const last = e.scores.at(-1)!;
    return clone({ inspection: e.row, score: { ...last, report: e.report }, document: e.doc, signers: [] });
  }
  async scores(doc: string): Promise<ScoreRow[]> { return clone(this.entry(doc).scores); }

  async review(doc: string, req: ReviewRequest): Promise<InspectionRow> {
    const e = this.entry(doc);
    if (e.row.status === 'draft') throw new ApiError(409, 'not_signed', 'nobody has signed this inspection yet');
    if (req.status === 'returned' && !req.comment.trim() && !Object.values(req.item_comments).some((v) => v.trim())) {
      throw new ApiError(422, 'invalid', 'a returned inspection needs a comment');
    }
    const entry = { status: req.status, by: SUPERVISOR.username, at: Date.now(), comment: req.comment, item_comments: req.item_comments, reviewed_sign_offs: { ...e.doc.sign_offs } };
    const prev = e.doc.review;
    e.doc.review = { current: entry, history: prev ? [...prev.history, prev.current] : [] };
    e.row = { ...e.row, status: req.status, official: req.status === 'approved', updated_at: entry.at };
    return clone(e.row);
  }

  async template(id: string, version: number): Promise<Template> {
    this.auth();
    if (id !== TEMPLATE.id || version !== TEMPLATE.version) throw new ApiError(404, 'not_found', `no template ${id}@${version}`);
    return clone(TEMPLATE);
  }
  /// Like the server: administrators only, a known datum, the position stored as given for WGS-84.
  async saveCentre(code: string, fields: Record<string, string>): Promise<Centre> {
    this.auth();
    if (this.user.role !== 'administrator') throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    const c = centreByCode(code);
    if (!c) throw new ApiError(404, 'not_found', `no centre ${code}`);
    if (!['wgs84', 'gcj02', 'bd09', ''].includes(fields.datum ?? '')) {
      const e = new ApiError(422, 'invalid', '1 problems; nothing was saved');
      e.details = [`line 1: unknown datum \`${fields.datum}\` (wgs84, cgcs2000, gcj02 or bd09)`];
      throw e;
    }
    Object.assign(c, { name: fields.name ?? c.name, lat: Number(fields.lat), lon: Number(fields.lon),
      datum: fields.datum && fields.datum !== 'wgs84' ? fields.datum : undefined, zone: fields.zone || undefined });
    return clone(c);
  }

  async centre(code: string): Promise<Centre> {
    this.auth();
    const c = centreByCode(code);
    if (!c) throw new ApiError(404, 'not_found', `no centre ${code}`);
    return clone(c);
  }

  async centreOverview(code: string): Promise<CentreOverview> {
    const centre = await this.centre(code);
    const rows = this.entries.filter((e) => e.row.centre_code === code).map((e) => e.row);
    const trend = [...rows].filter((r) => r.status !== 'draft' && r.total != null)
      .sort((a, b) => (a.quarter < b.quarter ? -1 : 1)).map((r) => ({ quarter: r.quarter, total: r.total!, grade: r.grade! }));
    return clone({ centre, norms: normsOf(centre.code), inspections: rows.sort((a, b) => b.updated_at - a.updated_at), trend });
  }

  async registry(q: RegistryQuery): Promise<Page<RegistryRow>> {
    this.auth();
    const needle = (q.q ?? '').trim().toLowerCase();
    const rows: RegistryRow[] = MOCK_CENTRES.filter((c) =>
      (!q.type || c.centre_type === q.type) && (!q.status || c.status === q.status) && (!q.city || c.region.city === q.city) &&
      (!q.county || c.region.county === q.county) &&
      (!needle || c.name.toLowerCase().includes(needle) || c.code.includes(needle)))
      .map((c) => {
        // As the server: the latest official (signed or approved) inspection.
        const latest = this.entries.filter((e) => e.row.centre_code === c.code && e.row.official)
          .sort((a, b) => (a.row.quarter < b.row.quarter ? 1 : -1))[0];
        return { centre: c, norms: normsOf(c.code),
          latest: latest ? { doc: latest.row.doc, quarter: latest.row.quarter, total: latest.row.total!, grade: latest.row.grade!, status: latest.row.status } : null };
      });
    const per_page = Math.min(PAGE_MAX, q.per_page ?? 50);
    const page = Math.max(1, q.page ?? 1);
    return mockPage(clone(rows), page, per_page);
  }

  async templates() {
    this.auth();
    const older = { id: TEMPLATE.id, version: TEMPLATE.version - 1, centre_type: TEMPLATE.centre_type, title: TEMPLATE.title, province: null };
    return [{ id: TEMPLATE.id, version: TEMPLATE.version, centre_type: TEMPLATE.centre_type, title: TEMPLATE.title, province: null }, older];
  }

  /// One open draft on the version before the mock template's, until it is moved.
  private draftsLeft = 1;
  async draftMigration(id: string, version: number): Promise<DraftMigration> {
    this.auth();
    if (this.user.role !== 'administrator') throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    const drafts = this.draftsLeft ? [{ version: version - 1, count: this.draftsLeft }] : [];
    return { to: { id, version }, has_table: true, drafts, moved: 0, failed: [] };
  }
  async migrateDrafts(id: string, version: number): Promise<DraftMigration> {
    const before = await this.draftMigration(id, version);
    const moved = this.draftsLeft;
    this.draftsLeft = 0;
    return { ...before, moved };
  }

  async regions(): Promise<CityRegions[]> {
    this.auth();
    const counties = new Map<string, Set<string>>();
    for (const c of MOCK_CENTRES) {
      if (!counties.has(c.region.county)) counties.set(c.region.county, new Set());
      counties.get(c.region.county)!.add(c.region.township);
    }
    return [{ province: '河北省', city: '石家庄市', population: 11_235_000,
      counties: [...counties].map(([county, t]) => ({ county, townships: [...t] })) }];
  }

  async quarterly(q: StatsQuery): Promise<QuarterlyStats> {
    this.auth();
    return clone(mockQuarterly(q, this.entries.map((e) => e.row)));
  }

  /// The inspections the charts and the analysis count: scored, not drafts.
  private counted(): InspectionRow[] {
    return this.entries.map((e) => e.row).filter((r) => r.total != null && r.status !== 'draft');
  }

  async charts(q: StatsQuery): Promise<ChartData> {
    this.auth();
    const rows = this.counted();
    const inQ = rows.filter((r) => !q.quarter || r.quarter === q.quarter);
    const grades: Grade[] = ['excellent', 'good', 'pass', 'fail'];
    const avg = (rs: InspectionRow[]) => Math.round((rs.reduce((s, r) => s + r.total!, 0) / rs.length) * 10) / 10;
    const group = (rs: InspectionRow[], k: (r: InspectionRow) => string) => {
      const m = new Map<string, InspectionRow[]>();
      for (const r of rs) m.set(k(r), [...(m.get(k(r)) ?? []), r]);
      return [...m];
    };
    return {
      grades: grades.map((grade) => ({ grade, count: inQ.filter((r) => r.grade === grade).length })),
      by_county: group(inQ, (r) => r.region.county).map(([county, rs]) => ({ county, average: avg(rs), count: rs.length })),
      by_quarter: group(rows, (r) => r.quarter).sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([quarter, rs]) => ({ quarter, average: avg(rs), count: rs.length })),
    };
  }

  async plans(): Promise<Plan[]> { this.auth(); return this.planner.list(); }
  async plan(id: number): Promise<PlanView> { this.auth(); return this.planner.view(id); }
  async createPlan(req: CreatePlan): Promise<Plan> { this.auth(); return this.planner.create(req); }
  async drawPlan(id: number): Promise<Plan> { this.auth(); return this.planner.draw(id); }
  async replaceInPlan(id: number, req: Replacement): Promise<Plan> { this.auth(); return this.planner.replace(id, req); }
  async confirmPlan(id: number): Promise<Plan> { this.auth(); return this.planner.confirm(id); }
  async assignments(quarter?: string): Promise<Assignment[]> { this.auth(); return this.planner.listAssignments(quarter); }
  async createAssignments(req: NewAssignments): Promise<Assignment[]> { this.auth(); return this.planner.assign(req); }
  async cancelAssignment(id: number): Promise<void> { this.auth(); this.planner.cancel(id); }
  async users(): Promise<User[]> { this.auth(); return clone([SUPERVISOR, ...MOCK_USERS]); }
  async problems(q: ProblemQuery): Promise<Page<Problem>> { this.auth(); return this.rectification.list(q); }
  async problemLedger(): Promise<LedgerRow[]> { this.auth(); return this.rectification.ledger(); }
  async problem(id: number): Promise<ProblemView> { this.auth(); return this.rectification.view(id); }
  async editProblem(id: number, req: EditProblem): Promise<Problem> { this.auth(); return this.rectification.edit(id, req); }
  async problemFeedback(id: number, req: Feedback): Promise<Problem> {
    this.auth();
    return this.rectification.feedback(id, req.text, req.photos ?? []);
  }
  async problemPhoto(id: number, photo: Blob): Promise<StoredPhoto> { this.auth(); return this.rectification.photo(id, photo); }
  async operatorCentres() { this.auth(); return this.operating.mine(this.user); }
  async operatorProblems() { this.auth(); return this.operating.problemsOf(this.user); }
  async checkFigures(r: FigureReport) { this.auth(); return this.operating.check(this.user, r); }
  async reportFigures(r: FigureReport) { this.auth(); return this.operating.report(this.user, r); }
  async centreFigures(code: string) { this.auth(); return this.operating.of(this.user, code); }
  async ledgerPhoto(code: string, photo: Blob): Promise<StoredPhoto> { this.auth(); return this.operating.photo(this.user, code, photo); }
  ledgerPhotoUrl(code: string, period: string, version: number) { return this.operating.photoUrl(code, period, version); }
  async figuresCoverage(period: string, region: RegionFilter = {}) {
    this.auth();
    return this.operating.coverage(this.user, period, region);
  }
  async operators() { this.auth(); return this.operating.list(this.user); }
  async createOperator(req: NewOperator) { this.auth(); return this.operating.create(this.user, req); }
  async escalateProblem(id: number, req: Escalation): Promise<Problem> { this.auth(); return this.rectification.escalate(id, req.reason); }
  async issueNotice(req: IssueNotice): Promise<Notice> { this.auth(); return this.rectification.issue(req.problems, req.office); }
  async notice(id: number): Promise<NoticeView> { this.auth(); return this.rectification.notice(id); }
  async followUp(req: FollowUpRequest): Promise<Assignment[]> { this.auth(); return this.rectification.followUp(req); }
  async publications(planId: number): Promise<Publication[]> { this.auth(); return this.publication.list(this.user, planId); }
  async publish(planId: number, req: Publish): Promise<Publication> {
    this.auth();
    return this.publication.publish(this.user, planId, req.reason);
  }
  async reportBoard(quarter: string): Promise<ReportBoard> { this.auth(); return this.reporting.board(this.user, quarter); }
  async reportDraft(quarter: string): Promise<ReportDraft> { this.auth(); return this.reporting.draft(this.user, quarter); }
  async submitReport(req: SubmitReport): Promise<ReportVersion> { this.auth(); return this.reporting.submit(this.user, req); }
  async reportVersion(id: number): Promise<ReportVersion> { this.auth(); return this.reporting.version(this.user, id); }
  async reviewReport(id: number, req: ReviewReport): Promise<ReportVersion> {
    this.auth();
    return this.reporting.review(this.user, id, req);
  }

  /// 分析研判 from the mock's own inspections, ledger and report chain (api-mock-analysis.ts).
  async analysis(q: StatsQuery): Promise<Analysis> {
    this.auth();
    const quarter = q.quarter || quarterOf(Date.now());
    checkAnalysis(this.user, quarter);
    return clone(mockAnalysis(this.user, quarter, q.province, {
      inspections: this.counted(), charts: await this.charts({ ...q, quarter }), ledger: this.rectification.ledger(),
      timeliness: this.reporting.board(this.user, shiftQuarter(quarter, -1)).timeliness,
    }));
  }

  async exemplars(): Promise<ExemplarView[]> { this.auth(); return this.models.list(this.user); }
  async exemplar(id: number): Promise<ExemplarView> { this.auth(); return this.models.one(this.user, id); }
  async nominateExemplar(req: Nomination): Promise<ExemplarView> { this.auth(); return this.models.nominate(this.user, req); }
  async exemplarAction(id: number, action: ExemplarAction): Promise<ExemplarView> { this.auth(); return this.models.act(this.user, id, action); }

  thumbnailUrl(sha: string) { return photoUrl(sha, true); }
  photoUrl(sha: string) { return photoUrl(sha, false); }
  inspectionsExport(format: 'csv' | 'geojson', q: InspectionQuery) { return `#mock-export-inspections.${format}?${JSON.stringify(q)}`; }
  centresExport(format: 'csv' | 'geojson', q: RegistryQuery) { return `#mock-export-centres.${format}?${JSON.stringify(q)}`; }
  statsDownload(kind: string, q: StatsQuery) { return `#mock-${kind}?quarter=${q.quarter}`; }
  noticePrintUrl(id: number) { return `#mock-notice-${id}-print`; }
  reportDownload(id: number, file: ReportFile, bilingual = false) { return `#mock-report-${id}-${file}${bilingual ? '?layout=bilingual' : ''}`; }
  problemsExport(format: 'csv' | 'xlsx', q: ProblemQuery) { return `#mock-export-problems.${format}?${JSON.stringify(q)}`; }
  publicUrl(planId: number) { return `/public/plans/${planId}`; }
  publicIndexUrl() { return '/public'; }
  exemplarCaseUrl(id: number) { return `#mock-exemplar-${id}-case`; }
  publicExemplarsUrl() { return '/public/exemplars'; }
}

/// A coloured placeholder picture; a hash ending in "0000" is "not uploaded yet" (404).
function photoUrl(sha: string, thumb: boolean): string {
  if (sha.endsWith('0000')) return './__mock_missing__/' + sha + '.jpg';
  const hue = parseInt(sha.slice(0, 6), 36) % 360;
  const [w, h] = thumb ? [160, 120] : [1200, 900];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 160 120">` +
    `<rect width="160" height="120" fill="hsl(${hue},45%,62%)"/><rect x="20" y="30" width="120" height="70" fill="hsl(${hue},30%,85%)"/>` +
    `<text x="80" y="72" font-size="14" text-anchor="middle" fill="#333">照片 ${sha.slice(0, 4)}</text></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

const TYPES: CentreType[] = ['community', 'block', 'township', 'village'];

function mockQuarterly(q: StatsQuery, rows: InspectionRow[]): QuarterlyStats {
  const a4: Attachment4Row[] = [];
  const a5: Attachment5Row[] = [];
  for (const t of TYPES) {
    const cs = MOCK_CENTRES.filter((c) => c.centre_type === t);
    a4.push({ city: '石家庄市', centre_type: t, built: cs.filter((c) => c.status === 'built').length,
      under_construction: cs.filter((c) => c.status === 'under_construction').length, planned: cs.filter((c) => c.status === 'planned').length });
    const built = cs.filter((c) => c.status === 'built').length;
    const reporting = new Set(rows.filter((r) => r.centre_type === t && r.quarter === q.quarter && r.status !== 'draft').map((r) => r.centre_code)).size;
    a5.push({ city: '石家庄市', centre_type: t, built, reporting, self_reported: Math.min(reporting, 1), turnover_10k_yuan: reporting * 86.5, service_visits: reporting * 12_400,
      staff: reporting * 9, tenants: reporting * 6 });
  }
  for (const o of OTHER_CITIES) {
    for (const [t, built, uc, planned] of o.rows) {
      a4.push({ city: o.city, centre_type: t, built, under_construction: uc, planned });
      const reporting = Math.max(0, built - 1);
      const scale = t === 'village' ? 0.1 : t === 'township' ? 0.6 : t === 'block' ? 2.5 : 1;
      a5.push({ city: o.city, centre_type: t, built, reporting, self_reported: Math.floor(reporting / 2), turnover_10k_yuan: Math.round(reporting * 92 * scale * 10) / 10,
        service_visits: Math.round(reporting * 11_000 * scale), staff: Math.round(reporting * 8 * scale) + reporting,
        tenants: Math.round(reporting * 5 * scale) + reporting });
    }
  }
  // 石家庄市's baseline from the registry's dates; the other cities' as the demo seeds them.
  const pilot = [
    { city: '石家庄市', population: SHIJIAZHUANG_POPULATION, built_2018q4: MOCK_CENTRES.filter((c) => builtBy2018(c.code)).length },
    ...OTHER_CITIES,
  ].map(({ city, population, built_2018q4 }) => pilotRow(city, population, a4.filter((r) => r.city === city), built_2018q4));
  return { quarter: q.quarter, province: q.province, generated_at: Date.now(), attachment4: a4, attachment5: a5, pilot };
}

