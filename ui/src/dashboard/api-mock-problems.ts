// The in-memory rectification behind MockApi (问题清单与整改): nine problems at
// two centres — 育才 (长安区): closed on time and late (an older notice),
// issued in a recent notice (one overdue, one with feedback, one escalated),
// one draft; 友谊 (桥西区): three drafts — the ledger, edits, notices (长安商整
// 〔year〕n号), feedback, escalation and follow-up visits (复查) as assignments.
import { mockPage } from './api-mock-page';
import type {
  Assignment, EditProblem, LedgerRow, NewAssignments, Notice, NoticeView, Page, Problem, ProblemEvent, ProblemView, Severity,
  StoredPhoto,
} from '../lib/server-types.gen';
import type { Centre } from '../lib/types.gen';
import { ApiError, type Due, type FollowUpRequest, type ProblemQuery } from './api';
import { quarterOf } from './quarters';

const DAY = 86_400_000;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/// YYYY-MM-DD in China (UTC+8), as the server's dates.
export const chinaDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

type Seed = {
  centre: string; doc: string; quarter: string; item: string | null; title: [string, string]; finding: string; action: string;
  severity: Severity; state: Problem['state']; due: number; photos?: number; closed?: number; feedback?: string; escalate?: string;
};

const YUCAI = '130102-001';
const YOUYI = '130104-001';
const Q3_YUCAI = 'automerge:8Qs3FaMp9GhY';
const Q2_YUCAI = 'automerge:CCw2PeSu1QrD';
const Q3_YOUYI = 'automerge:AAu7KcPs6LmB';

// `due` and `closed` are days from today, so overdue stays overdue whenever the tests run.
const SEEDS: Seed[] = [
  { centre: YUCAI, doc: Q2_YUCAI, quarter: '2026Q2', item: 'services.prices', title: ['商品明码标价', 'Prices clearly marked'],
    finding: '部分商品未标价。', action: '全部商品明码标价，价签清晰。', severity: 'general', state: 'closed', due: -100, closed: -110, photos: 1,
    feedback: '已补齐全部价签。' },
  { centre: YUCAI, doc: Q2_YUCAI, quarter: '2026Q2', item: 'facilities.sign', title: ['门头标识统一、醒目', 'Unified, visible shop sign'],
    finding: '门头灯箱损坏。', action: '修复或更换门头灯箱。', severity: 'serious', state: 'closed', due: -90, closed: -80, photos: 1 },
  { centre: YUCAI, doc: Q3_YUCAI, quarter: '2026Q3', item: 'facilities.fire', title: ['消防器材齐全且在有效期内', 'Fire equipment present and in date'],
    finding: '灭火器已过期。', action: '更换过期灭火器，建立月度检查记录。', severity: 'veto', state: 'issued', due: -5, photos: 2 },
  { centre: YUCAI, doc: Q3_YUCAI, quarter: '2026Q3', item: 'services.clean', title: ['店内整洁程度', 'Cleanliness inside'],
    finding: '货架积尘，通道堆放杂物。', action: '清理通道杂物，落实每日保洁。', severity: 'general', state: 'issued', due: 12,
    feedback: '已清理通道，排定保洁值班表。' },
  { centre: YUCAI, doc: Q3_YUCAI, quarter: '2026Q3', item: 'services.elderly', title: ['提供助老服务（如代购、送货上门）', 'Help for elderly people (shopping, delivery)'],
    finding: '未提供助老服务。', action: '开设代购和送货上门服务并公示。', severity: 'serious', state: 'issued', due: 3,
    escalate: '上次检查已提出，仍未落实，挂牌督办。' },
  { centre: YUCAI, doc: Q3_YUCAI, quarter: '2026Q3', item: 'satisfaction.survey', title: ['现场询问群众满意度', 'Ask residents on site'],
    finding: '群众满意度偏低（8 人中 5 人满意）。', action: '征求居民意见，调整服务项目。', severity: 'general', state: 'draft', due: 30 },
  { centre: YOUYI, doc: Q3_YOUYI, quarter: '2026Q3', item: 'services.hours', title: ['营业时间', 'Opening hours'],
    finding: '营业时间未公示。', action: '在门口公示营业时间。', severity: 'general', state: 'draft', due: 30, photos: 1 },
  { centre: YOUYI, doc: Q3_YOUYI, quarter: '2026Q3', item: 'facilities.access', title: ['有无障碍通道', 'Step-free access'],
    finding: '无障碍坡道被占用。', action: '清理坡道，设置禁止占用标识。', severity: 'serious', state: 'draft', due: 15 },
  { centre: YOUYI, doc: Q3_YOUYI, quarter: '2026Q3', item: null, title: ['其他问题', 'Other problem'],
    finding: '投诉电话未公示。', action: '公示投诉举报电话。', severity: 'general', state: 'draft', due: 30 },
];

/// Where a problem stands against its deadline (as the server's `due` filter); drafts: nowhere.
const dueOf = (p: Problem): Due | null => p.state === 'issued' ? (p.overdue ? 'overdue' : 'open')
  : p.state === 'closed' ? (p.closed_on! <= p.deadline ? 'on_time' : 'late') : null;

export class MockProblems {
  problems: Problem[] = [];
  notices: Notice[] = [];
  events = new Map<number, ProblemEvent[]>();

  constructor(private centres: Centre[], private by: string,
    private assign: (req: NewAssignments) => Assignment[], private now: () => number = Date.now) {
    const t = now();
    const dateIn = (days: number) => chinaDate(t + days * DAY);
    const older = this.makeNotice(YUCAI, undefined, t - 125 * DAY);
    const recent = this.makeNotice(YUCAI, undefined, t - 40 * DAY);
    SEEDS.forEach((s, i) => {
      const c = this.centre(s.centre);
      const created = t - (s.state === 'closed' ? 130 : 45) * DAY + i * 60_000;
      const p: Problem = {
        id: i + 1, doc: s.doc, key: `mock-${i + 1}`, centre_code: c.code, centre_name: c.name, region: { ...c.region },
        quarter: s.quarter, purpose: 'routine', item: s.item, title_zh: s.title[0], title_en: s.title[1], finding: s.finding,
        photos: Array.from({ length: s.photos ?? 0 }, (_, k) => `p${i + 1}${k}`.padEnd(64, 'e')), severity: s.severity,
        action: s.action, deadline: dateIn(s.due), responsible: c.name, state: s.state, notice_id: null, notice_number: null, feedback_at: null,
        escalated: false, followup_doc: null, closed_on: null, closed_doc: null, overdue: false, created_at: created, updated_at: created,
      };
      this.problems.push(p);
      this.events.set(p.id, [{ at: created, by: this.by, kind: 'found', detail: '检查审核通过，列入问题清单', photos: p.photos }]);
      if (s.state === 'draft') return;
      const notice = s.state === 'closed' ? older : recent;
      p.notice_id = notice.id; p.notice_number = notice.number;
      this.log(p, 'issued', '', notice.issued_at);
      if (s.feedback) { p.feedback_at = notice.issued_at + 10 * DAY; this.log(p, 'feedback', s.feedback, p.feedback_at); }
      if (s.escalate) { p.escalated = true; this.log(p, 'escalated', s.escalate, notice.issued_at + 20 * DAY); }
      if (s.state === 'closed') {
        p.closed_on = dateIn(s.closed!);
        p.closed_doc = 'automerge:mockfollowup01';
        p.followup_doc = p.closed_doc;
        this.log(p, 'rectified', '复查：已整改到位', t + s.closed! * DAY);
        this.log(p, 'closed', `${p.closed_on} 销号`, t + s.closed! * DAY);
      }
    });
  }

  private centre(code: string): Centre {
    const c = this.centres.find((x) => x.code === code);
    if (!c) throw new Error(`no centre ${code}`);
    return c;
  }
  private log(p: Problem, kind: string, detail: string, at = this.now(), photos: string[] = []) {
    this.events.get(p.id)!.push({ at, by: this.by, kind, detail, photos });
    p.updated_at = Math.max(p.updated_at, at);
  }
  private withOverdue(p: Problem): Problem {
    return { ...clone(p), overdue: p.state === 'issued' && p.deadline < chinaDate(this.now()) };
  }
  private find(id: number): Problem {
    const p = this.problems.find((x) => x.id === id);
    if (!p) throw new ApiError(404, 'not_found', 'problem not found');
    return p;
  }
  private makeNotice(code: string, office: string | undefined, at: number): Notice {
    const c = this.centre(code);
    const { province, city, county } = c.region;
    const year = chinaDate(at).slice(0, 4);
    const prefix = (county || city).replace(/[区县市]$/, '');
    const n = this.notices.filter((x) => x.number.startsWith(`${prefix}商整〔${year}〕`)).length + 1;
    const notice: Notice = { id: this.notices.length + 1, number: `${prefix}商整〔${year}〕${n}号`, centre_code: c.code,
      centre_name: c.name, scope: { province, city, county }, office: office || `${city}${county}商务主管部门`, issued_by: this.by,
      issued_on: chinaDate(at), issued_at: at };
    this.notices.push(notice);
    return notice;
  }

  list(q: ProblemQuery): Page<Problem> {
    const rows = this.problems.map((p) => this.withOverdue(p)).filter((p) =>
      (!q.city || p.region.city === q.city) && (!q.county || p.region.county === q.county) &&
      (!q.township || p.region.township === q.township) && (!q.centre || p.centre_code === q.centre) && (!q.doc || p.doc === q.doc) &&
      (q.notice == null || p.notice_id === q.notice) && (!q.state || p.state === q.state) && (!q.severity || p.severity === q.severity) &&
      (!q.due || dueOf(p) === q.due)).sort((a, b) => b.id - a.id);
    const per_page = Math.min(200, q.per_page ?? 50);
    const page = Math.max(1, q.page ?? 1);
    return mockPage(rows, page, per_page);
  }

  ledger(): LedgerRow[] {
    const rows = new Map<string, LedgerRow>();
    for (const p of this.problems.map((x) => this.withOverdue(x))) {
      const k = `${p.region.city}\u001f${p.region.county}`;
      const r = rows.get(k) ?? { city: p.region.city, county: p.region.county, draft: 0, open: 0, overdue: 0, closed_on_time: 0, closed_late: 0 };
      if (p.state === 'draft') r.draft++;
      else if (p.state === 'issued') { if (p.overdue) r.overdue++; else r.open++; }
      else if (p.closed_on! <= p.deadline) r.closed_on_time++;
      else r.closed_late++;
      rows.set(k, r);
    }
    return [...rows.values()].sort((a, b) => (a.city + a.county < b.city + b.county ? -1 : 1));
  }

  view(id: number): ProblemView {
    return { problem: this.withOverdue(this.find(id)), events: clone(this.events.get(id) ?? []) };
  }

  edit(id: number, e: EditProblem): Problem {
    const p = this.find(id);
    const deadline = e.deadline ?? p.deadline;
    if (!isDate(deadline)) throw new ApiError(422, 'invalid', `\`${deadline}\` is not a date like 2027-01-31`);
    const finding = (e.finding ?? p.finding).trim();
    if (!finding) throw new ApiError(422, 'invalid', 'a finding cannot be empty');
    if (p.state !== 'draft') throw new ApiError(409, 'conflict', 'only a problem not yet issued is edited');
    Object.assign(p, { finding, deadline, severity: e.severity ?? p.severity, action: (e.action ?? p.action).trim(),
      responsible: (e.responsible ?? p.responsible).trim() });
    this.log(p, 'edited', `整改期限 ${deadline}`);
    return this.withOverdue(p);
  }

  /// Photos sent for each problem, as the server grants them to its inspection.
  private sent = new Map<number, Set<string>>();

  photo(id: number, photo: Blob): StoredPhoto {
    const p = this.find(id);
    if (!/^image\/(jpeg|png|webp)$/.test(photo.type)) throw new ApiError(415, 'unsupported_media_type', 'a photo is image/jpeg, image/png or image/webp');
    if (p.state !== 'issued') throw new ApiError(409, 'conflict', 'photos of rectification are for an issued, open problem');
    const sha256 = `${'f'.repeat(56)}${String(this.sent.size + 1).padStart(8, '0')}`;
    this.sent.set(id, new Set([...(this.sent.get(id) ?? []), sha256]));
    return { sha256 };
  }

  feedback(id: number, text: string, photos: string[] = []): Problem {
    const p = this.find(id);
    if (!text.trim()) throw new ApiError(422, 'invalid', 'feedback cannot be empty');
    if (p.state !== 'issued') throw new ApiError(409, 'conflict', 'feedback is recorded for an issued, open problem');
    const known = this.sent.get(id) ?? new Set();
    const stray = photos.find((sha) => !known.has(sha));
    if (stray) throw new ApiError(422, 'invalid', `photo ${stray} was not sent for this problem`);
    p.feedback_at = this.now();
    this.log(p, 'feedback', text.trim(), p.feedback_at, photos);
    return this.withOverdue(p);
  }

  escalate(id: number, reason: string): Problem {
    const p = this.find(id);
    if (!reason.trim()) throw new ApiError(422, 'invalid', 'say why the problem is escalated');
    if (p.state !== 'issued') throw new ApiError(409, 'conflict', 'only an issued, open problem is escalated');
    p.escalated = true;
    this.log(p, 'escalated', reason.trim());
    return this.withOverdue(p);
  }

  issue(ids: number[], office?: string): Notice {
    const unique = [...new Set(ids)].sort((a, b) => a - b);
    if (!unique.length || unique.length > 50) throw new ApiError(422, 'invalid', 'a notice issues 1 to 50 problems');
    const list = unique.map((id) => this.find(id));
    if (list.some((p) => p.centre_code !== list[0].centre_code)) {
      throw new ApiError(422, 'invalid', 'a notice goes to one centre: its problems are all of it');
    }
    if (list.some((p) => p.state !== 'draft')) throw new ApiError(409, 'conflict', 'a notice issues only problems not issued yet');
    const notice = this.makeNotice(list[0].centre_code, office?.trim(), this.now());
    for (const p of list) {
      Object.assign(p, { state: 'issued', notice_id: notice.id, notice_number: notice.number });
      this.log(p, 'issued', '', notice.issued_at);
    }
    return clone(notice);
  }

  notice(id: number): NoticeView {
    const notice = this.notices.find((n) => n.id === id);
    if (!notice) throw new ApiError(404, 'not_found', 'notice not found');
    return { notice: clone(notice), problems: this.list({ notice: id, per_page: 200 }).items.sort((a, b) => a.id - b.id) };
  }

  followUp(req: FollowUpRequest): Assignment[] {
    const open = this.problems.filter((p) => p.centre_code === req.centre_code && p.state === 'issued');
    if (!open.length) throw new ApiError(409, 'conflict', `centre \`${req.centre_code}\` has no open problems to follow up`);
    const out = this.assign({ centre_code: req.centre_code, quarter: quarterOf(this.now()), purpose: 'follow_up', inspectors: req.inspectors });
    for (const p of open) {
      p.followup_doc = out[0].doc;
      this.log(p, 'follow_up', `复查任务：${req.inspectors.join('、')}`);
    }
    return out;
  }
}
