// The in-memory 标杆样板 behind MockApi (GET/POST /api/v1/exemplars…), with the
// server's rules (server/src/exemplars/service.rs) applied to the mock's own
// inspections and problems, so the flow can be clicked through:
//
// - 育才社区便民服务中心 (长安区): recognised after its 2026Q3 优秀; a problem issued
//   since is overdue, so it is flagged for 复核 (“有 1 个问题逾期未整改”);
// - 汇通村级生活综合服务站 (桥西区): publicised, an objection (异议) received, 不予认定;
// - 南豆村村级生活综合服务站 (长安区): publicised, the publicity has ended (认定 possible);
// - 西兆通镇生活综合服务中心 (长安区): publicised for a week (镇村联动的一站式生活服务), as the demo;
// - 友谊社区便民服务中心 (桥西区): nominated, awaiting the province's 公示.
//
// Times are days from now, so the publicity that has ended stays ended whenever the tests run.
import type {
  CaseWriteUp, ExemplarAction, ExemplarEvent, ExemplarView, InspectionRow, Nomination, Problem, Scope, User,
} from '../lib/server-types.gen';
import type { Centre } from '../lib/types.gen';
import { ApiError } from './api';
import { chinaDate, isDate } from './api-mock-problems';

const DAY = 86_400_000;
/// The shortest publicity (公示期), days from today.
export const MIN_PUBLICITY_DAYS = 5;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/// The mock's accounts that act in the seeded records.
const COUNTY = 'sup-changan';
const CITY = 'sup-zhao';
const PROVINCE = 'admin-hebei';

type Stored = Omit<ExemplarView, 'review_due'>;

type Step = { day: number; by: string; kind: ExemplarEvent['kind']; detail?: string; untilDay?: number };
type Seed = { code: string; basis: Stored['basis']; case: CaseWriteUp; steps: Step[] };

const SEEDS: Seed[] = [
  {
    code: '130102-001',
    basis: { doc: 'automerge:8Qs3FaMp9GhY', quarter: '2026Q3', total: 91.5, grade: 'excellent' },
    case: {
      title: '社区嵌入式“一刻钟便民生活圈”',
      summary: '育才社区便民服务中心把早餐、菜店、家政、维修、药店和快递集中在一处，延长营业到晚九点，为社区老人提供代购和送货上门，居民步行一刻钟即可满足日常生活所需。',
      practices: ['早餐和生鲜“一店多能”，错峰经营', '老年人代购、送货上门登记服务', '每月召开居民议事会，调整服务项目'],
    },
    steps: [
      { day: -75, by: COUNTY, kind: 'nominated' },
      { day: -74, by: PROVINCE, kind: 'publicized', untilDay: -66 },
      { day: -64, by: PROVINCE, kind: 'recognised' },
    ],
  },
  {
    code: '130104-101',
    basis: { doc: 'automerge:BBv9MdRt8NpC', quarter: '2026Q3', total: 91.5, grade: 'excellent' },
    case: {
      title: '村级服务站统一配送降成本',
      summary: '汇通村级生活综合服务站加入镇级统一配送，商品品种由三百余种增加到六百余种，代收代缴、快递收发和农资供应在站内一并办理。',
      practices: ['镇级中心每周两次统一配送', '快递进村，代收代发'],
    },
    steps: [
      { day: -40, by: CITY, kind: 'nominated' },
      { day: -38, by: PROVINCE, kind: 'publicized', untilDay: -30 },
      { day: -35, by: PROVINCE, kind: 'objection', detail: '群众来电反映：该站冷藏柜温度长期偏高，部分冷藏食品未按要求存放。' },
      { day: -28, by: PROVINCE, kind: 'rejected', detail: '经核实异议属实，冷链管理不规范，不予认定；整改到位后可重新推荐。' },
    ],
  },
  {
    code: '130102-102',
    basis: { doc: 'automerge:DDx4RfTv3SsE', quarter: '2026Q1', total: 91.5, grade: 'excellent' },
    case: {
      title: '村级服务站“一站多用”',
      summary: '南豆村村级生活综合服务站在日用品销售之外，设置便民缴费、农资代购和村邮站，由村集体统一管理、统一核算，服务全村六百多户。',
      practices: ['村集体统一管理、统一核算', '农资代购统一进货，杜绝假劣农资', '服务承诺和价格上墙'],
    },
    steps: [
      { day: -12, by: COUNTY, kind: 'nominated' },
      { day: -10, by: PROVINCE, kind: 'publicized', untilDay: -2 },
    ],
  },
  {
    code: '130102-101',
    basis: { doc: 'automerge:3Fh9TzWq8PbN', quarter: '2026Q4', total: 91.5, grade: 'excellent' },
    case: {
      title: '镇村联动的一站式生活服务',
      summary: '西兆通镇生活综合服务中心整合商超、邮政快递、家政维修和农资服务，统一收银、统一配送，服务半径覆盖全镇十二个行政村，群众办事购物“一站办”。',
      practices: ['统一配送到村，村级服务站当日补货', '便民服务清单和价格上墙公示', '每季度听取村民代表意见建议'],
    },
    steps: [
      { day: -3, by: COUNTY, kind: 'nominated' },
      { day: -1, by: PROVINCE, kind: 'publicized', untilDay: 6 },
    ],
  },
  {
    code: '130104-001',
    basis: { doc: 'automerge:5Lm6YsGu3HwT', quarter: '2026Q4', total: 91.5, grade: 'excellent' },
    case: {
      title: '社区老年助餐与便民服务融合',
      summary: '友谊社区便民服务中心在便民超市旁开设老年助餐点，与社区卫生服务站、家政服务站共用场地，老年人就餐、取药、预约家政一次办完。',
      practices: ['老年助餐点按成本价供餐', '与社区卫生服务站错时共用场地'],
    },
    steps: [{ day: -2, by: CITY, kind: 'nominated' }],
  },
];

/// `a` covers `b` (empty parts of `a` are "all").
const covers = (a: Scope, b: Scope) =>
  (!a.province || a.province === b.province) && (!a.city || a.city === b.city) && (!a.county || a.county === b.county);

const overseer = (u: User) => u.role === 'supervisor' || u.role === 'administrator';
/// A province's supervisors and administrators decide (scope a province, no city).
const provinceLevel = (u: User) => overseer(u) && !!u.scope.province && !u.scope.city;

const forbidden = () => new ApiError(403, 'forbidden', 'this is outside your role or region');
const conflict = (m: string) => new ApiError(409, 'conflict', m);
const invalid = (m: string) => new ApiError(422, 'invalid', m);

/// The server's text check: trimmed, `min`–`max` characters, no control character but a line break.
function text(field: string, value: string, min: number, max: number): string {
  const v = (value ?? '').trim();
  const n = [...v].length;
  if (n < min || n > max || /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(v)) throw invalid(`${field}: ${min} to ${max} characters`);
  return v;
}

function checkedCase(c: CaseWriteUp): CaseWriteUp {
  if ((c.practices ?? []).length > 10) throw invalid('at most 10 practices');
  return {
    title: text('title (案例标题)', c.title, 2, 80),
    summary: text('summary (经验做法)', c.summary, 20, 4000),
    practices: (c.practices ?? []).map((p) => text('practice', p, 2, 200)),
  };
}

export class MockExemplars {
  records: Stored[] = [];

  constructor(private centres: Centre[], private rows: () => InspectionRow[], private problems: () => Problem[],
    private now: () => number = Date.now) {
    const t = now();
    SEEDS.forEach((s, i) => {
      const c = this.centre(s.code);
      const events = s.steps.map((st, k): ExemplarEvent => ({
        at: t + st.day * DAY + k * 60_000 + 9 * 3_600_000, by: st.by, kind: st.kind,
        detail: st.untilDay != null ? chinaDate(t + st.untilDay * DAY) : st.detail ?? '',
      }));
      const until = s.steps.find((st) => st.untilDay != null)?.untilDay;
      const last = s.steps.at(-1)!.kind;
      this.records.push({
        id: i + 1, centre_code: c.code, centre_name: c.name, centre_type: c.centre_type, region: this.scopeOf(c), case: clone(s.case),
        basis: { ...s.basis }, events,
        state: last === 'recognised' ? 'recognised' : last === 'rejected' ? 'rejected' : until != null ? 'publicized' : 'nominated',
        comment_until: until != null ? chinaDate(t + until * DAY) : null,
      });
    });
  }

  private centre(code: string): Centre {
    const c = this.centres.find((x) => x.code === code);
    if (!c) throw new Error(`no centre ${code}`);
    return c;
  }
  private scopeOf(c: Centre): Scope { return { province: c.region.province, city: c.region.city, county: c.region.county }; }
  private today(): string { return chinaDate(this.now()); }

  /// The centre's official inspections (signed or approved), newest first.
  private official(code: string): InspectionRow[] {
    return this.rows().filter((r) => r.centre_code === code && r.official && (r.status === 'submitted' || r.status === 'approved'))
      .sort((a, b) => b.updated_at - a.updated_at);
  }

  /// Why a recognised centre needs 复核: a later official result failing or vetoed, or a problem past its deadline.
  private reviewDue(e: Stored): string | null {
    if (e.state !== 'recognised') return null;
    const recognisedAt = [...e.events].reverse().find((ev) => ev.kind === 'recognised')?.at ?? 0;
    const later = this.official(e.centre_code).find((r) => r.updated_at > recognisedAt);
    if (later && (later.grade === 'fail' || later.vetoes > 0)) return `${later.quarter} 季度检查结果为不合格或触发否决项`;
    const today = this.today();
    const overdue = this.problems().filter((p) => p.centre_code === e.centre_code && p.state === 'issued' && p.deadline < today).length;
    return overdue > 0 ? `有 ${overdue} 个问题逾期未整改` : null;
  }

  private view(e: Stored): ExemplarView { return clone({ ...e, review_due: this.reviewDue(e) }); }

  /// Visible to the overseers of its region; 404 otherwise (as the server).
  private visible(user: User, id: number): Stored {
    const e = this.records.find((x) => x.id === id);
    if (!e || !overseer(user) || !covers(user.scope, e.region)) throw new ApiError(404, 'not_found', 'exemplar not found');
    return e;
  }

  list(user: User): ExemplarView[] {
    if (!overseer(user)) throw forbidden();
    return this.records.filter((e) => covers(user.scope, e.region)).sort((a, b) => b.id - a.id).map((e) => this.view(e));
  }

  one(user: User, id: number): ExemplarView { return this.view(this.visible(user, id)); }

  nominate(user: User, n: Nomination): ExemplarView {
    if (!overseer(user)) throw forbidden();
    const kase = checkedCase(n.case);
    const code = [...(n.centre_code ?? '')].slice(0, 64).join('');
    const c = this.centres.find((x) => x.code === code);
    if (!c || !covers(user.scope, this.scopeOf(c))) throw new ApiError(404, 'not_found', 'centre not found');
    const latest = this.official(code)[0];
    if (!latest) throw conflict('the centre has no official result yet');
    if (latest.grade !== 'excellent' || latest.vetoes > 0) throw conflict('the centre\'s latest official result is not 优秀 without a veto');
    const open = this.problems().filter((p) => p.centre_code === code && p.state === 'issued').length;
    if (open > 0) throw conflict(`the centre has ${open} problems in rectification (整改中)`);
    if (this.records.some((e) => e.centre_code === code && e.state !== 'rejected')) throw conflict('the centre is already nominated or recognised');
    const e: Stored = {
      id: Math.max(0, ...this.records.map((x) => x.id)) + 1, centre_code: c.code, centre_name: c.name, centre_type: c.centre_type,
      region: this.scopeOf(c), state: 'nominated', case: kase,
      basis: { doc: latest.doc, quarter: latest.quarter, total: latest.total ?? 0, grade: 'excellent' }, comment_until: null,
      events: [{ at: this.now(), by: user.username, kind: 'nominated', detail: '' }],
    };
    this.records.push(e);
    return this.view(e);
  }

  act(user: User, id: number, a: ExemplarAction): ExemplarView {
    const e = this.visible(user, id);
    if (!provinceLevel(user)) throw forbidden();
    const log = (kind: string, detail = '') => e.events.push({ at: this.now(), by: user.username, kind, detail });
    const refuse = () => conflict(`not possible while ${e.state}`);
    switch (a.action) {
      case 'publicize': {
        const earliest = chinaDate(this.now() + MIN_PUBLICITY_DAYS * DAY);
        if (!isDate(a.until) || a.until < earliest) throw invalid(`until: a date on or after ${earliest}`);
        if (e.state !== 'nominated') throw refuse();
        e.state = 'publicized';
        e.comment_until = a.until;
        log('publicized', a.until);
        break;
      }
      case 'objection': {
        const t = text('objection (异议)', a.text, 2, 1000);
        if (e.state !== 'publicized') throw refuse();
        log('objection', t);
        break;
      }
      case 'recognise':
        if (!e.comment_until || this.today() <= e.comment_until) throw conflict('the publicity (公示) has not ended');
        if (e.state !== 'publicized') throw refuse();
        e.state = 'recognised';
        log('recognised');
        break;
      case 'reject': {
        const reason = text('reason (理由)', a.reason, 2, 500);
        if (e.state !== 'nominated' && e.state !== 'publicized') throw refuse();
        e.state = 'rejected';
        log('rejected', reason);
        break;
      }
      default:
        throw invalid('unknown action');
    }
    return this.view(e);
  }
}
