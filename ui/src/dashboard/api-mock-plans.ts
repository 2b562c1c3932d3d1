// The in-memory plan lifecycle behind MockApi: plans (draft → drawn →
// confirmed), a draw shaped like the server's (strata of county × type,
// 回避, fewest tasks first; a cheap hash instead of SHA-256), replacements
// with a reason, assignments and the region's users.
import type {
  Assignment, Candidate, CreatePlan, Draw, InspectionRow, NewAssignments, Plan, PlanDraw, PlanEvent, PlanView, PoolInspector,
  Replacement, Task, User,
} from '../lib/server-types.gen';
import type { Centre, CentreType } from '../lib/types.gen';
import { TEMPLATE } from '../lib/mock-data';
import { ApiError } from './api';
import { shiftQuarter } from './quarters';

const SCOPE = { province: '河北省', city: '石家庄市', county: '' };
const user = (id: number, username: string, display_name: string, disabled = false): User =>
  ({ id, username, display_name, role: 'inspector', scope: { ...SCOPE }, disabled, centres: [] });

export const MOCK_USERS: User[] = [
  user(11, 'insp-wang', '王芳'), user(12, 'insp-li', '李强'), user(13, 'insp-chen', '陈静'), user(14, 'insp-zhou', '周磊', true),
];

/// FNV-1a over the seed and parts: stands in for the server's SHA-256 key.
function key(seed: string, ...parts: string[]): string {
  let h = 0x811c9dc5;
  for (const ch of [seed, ...parts].join('\u001f')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
const byKey = <T>(items: T[], k: (t: T) => string) => [...items].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));

const mayInspect = (p: PoolInspector, c: Candidate) =>
  !(p.township && p.county === c.county && p.township === c.township) && !p.conflicts.includes(c.code) &&
  !c.last_inspectors.includes(p.username);

function tooSmall(centre: string, needed: number, eligible: number): ApiError {
  return new ApiError(422, 'invalid', `centre \`${centre}\` needs ${needed} inspectors and only ${eligible} in the pool may inspect it (回避)`);
}

function runDraw(plan: Plan, centres: Candidate[], pool: PoolInspector[]): Draw {
  const strata = new Map<string, Candidate[]>();
  for (const c of centres) strata.set(`${c.county}\u001f${c.centre_type}`, [...(strata.get(`${c.county}\u001f${c.centre_type}`) ?? []), c]);
  const drawn: Candidate[] = [];
  const counts: Draw['strata'] = [];
  for (const [k, members] of [...strata].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const n = members.length;
    const size = 'count' in plan.sampling ? Math.min(n, plan.sampling.count) : Math.min(n, Math.ceil((n * plan.sampling.per_mille) / 1000));
    const [county, type] = k.split('\u001f');
    counts.push({ county, centre_type: type as CentreType, eligible: n, drawn: size });
    drawn.push(...byKey(members, (c) => key(plan.seed, 'centre', c.code)).slice(0, size));
  }
  const load = new Map(pool.map((p) => [p.username, 0]));
  const tasks: Task[] = byKey(drawn, (c) => key(plan.seed, 'task', c.code)).map((c) => {
    const eligible = pool.filter((p) => mayInspect(p, c));
    if (eligible.length < plan.per_task) throw tooSmall(c.code, plan.per_task, eligible.length);
    const picked = [...eligible].sort((a, b) => (load.get(a.username)! - load.get(b.username)!) ||
      (key(plan.seed, 'inspector', c.code, a.username) < key(plan.seed, 'inspector', c.code, b.username) ? -1 : 1))
      .slice(0, plan.per_task);
    for (const p of picked) load.set(p.username, load.get(p.username)! + 1);
    return { centre_code: c.code, county: c.county, centre_type: c.centre_type, inspectors: picked.map((p) => p.username) };
  });
  return { tasks, strata: counts };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class MockPlans {
  plans: Plan[] = [];
  events = new Map<number, PlanEvent[]>();
  assignments: Assignment[] = [];
  private nextAssignment = 1;

  constructor(private centres: Centre[], private rows: () => InspectionRow[], private by: string,
    seeded: { row: InspectionRow; by: string[] }[]) {
    // Manual assignments behind the seeded inspections of 2026Q4.
    for (const { row: r, by: who } of seeded.filter((x) => x.row.quarter === '2026Q4')) {
      this.assign({ centre_code: r.centre_code, quarter: r.quarter, purpose: r.purpose, inspectors: who }, r.created_at, r.doc);
    }
    // Last quarter's plan, confirmed: its progress shows every state and an overdue task.
    const q3 = this.make({ name: '2026年第三季度石家庄市日常巡查抽查', quarter: '2026Q3', purpose: 'routine', county: null,
      criteria: { centre_types: [], statuses: [], skip_inspected_quarters: 0 }, sampling: { count: 1 }, per_task: 2,
      seed: '2026Q3-石家庄', pool: [] }, Date.UTC(2026, 5, 20));
    this.freeze(q3, ['130102-001', '130104-001', '130102-102'].map((code, i) => {
      const c = this.centres.find((x) => x.code === code)!;
      const who = [['insp-wang', 'insp-li'], ['insp-chen', 'insp-wang'], ['insp-li', 'insp-chen']][i];
      return { centre_code: code, county: c.region.county, centre_type: c.centre_type, inspectors: who };
    }), Date.UTC(2026, 5, 21));
    this.log(q3.id, { at: Date.UTC(2026, 5, 22), by: this.by, kind: 'confirmed', detail: '派发3个检查任务' });
    q3.state = 'confirmed';
    // Next quarter's random checks, drawn and waiting for confirmation.
    const next = this.make({ name: '2027年第一季度石家庄市双随机抽查', quarter: '2027Q1', purpose: 'random', county: null,
      criteria: { centre_types: [], statuses: [], skip_inspected_quarters: 0 }, sampling: { per_mille: 300 }, per_task: 2,
      seed: '2027Q1-石家庄', pool: [] }, Date.UTC(2026, 10, 28));
    this.drawn(next, Date.UTC(2026, 10, 29));
  }

  private make(req: CreatePlan, at: number): Plan {
    const plan: Plan = { id: this.plans.length + 1, name: req.name.trim(), quarter: req.quarter, purpose: req.purpose,
      scope: { ...SCOPE, county: req.county || '' }, criteria: req.criteria, sampling: req.sampling, per_task: req.per_task,
      seed: req.seed?.trim() || key(String(at), req.name) + key(req.name, String(at)), state: 'draft', pool: req.pool, draw: null,
      created_by: this.by, created_at: at };
    this.plans.unshift(plan);
    this.events.set(plan.id, []);
    return plan;
  }
  private log(id: number, e: PlanEvent) { this.events.get(id)!.push(e); }
  private freeze(plan: Plan, tasks: Task[], at: number) {
    plan.draw = { centres: [], pool: [], pool_entries: plan.pool, result: { tasks, strata: [] } };
    plan.state = 'drawn';
    this.log(plan.id, { at, by: this.by, kind: 'drawn', detail: `${tasks.length} tasks (seeded demo)` });
  }

  plan(id: number): Plan {
    const p = this.plans.find((x) => x.id === id);
    if (!p) throw new ApiError(404, 'not_found', 'plan not found');
    return p;
  }
  private inspectors(): User[] { return MOCK_USERS.filter((u) => u.role === 'inspector' && !u.disabled); }

  private candidates(plan: Plan): Candidate[] {
    const c = plan.criteria;
    const statuses = c.statuses.length ? c.statuses : ['built'];
    const since = c.skip_inspected_quarters > 0 ? shiftQuarter(plan.quarter, -c.skip_inspected_quarters) : null;
    return this.centres.filter((x) => (!plan.scope.county || x.region.county === plan.scope.county) &&
      (!c.centre_types.length || c.centre_types.includes(x.centre_type)) && statuses.includes(x.status) &&
      !(since && this.rows().some((r) => r.centre_code === x.code && r.official && r.quarter >= since)))
      .map((x) => ({ code: x.code, county: x.region.county, township: x.region.township, centre_type: x.centre_type,
        open_problems: false, last_inspectors: [] }));
  }

  private drawn(plan: Plan, at: number): Plan {
    const known = new Set(this.inspectors().map((u) => u.username));
    const bad = plan.pool.find((e) => !known.has(e.username));
    if (bad) throw new ApiError(422, 'invalid', `\`${bad.username}\` is not an active inspector of the plan's region`);
    const entries = plan.pool.length ? plan.pool
      : this.inspectors().map((u) => ({ username: u.username, credential: '', county: '', township: '', conflicts: [] }));
    const pool = entries.map(({ username, county, township, conflicts }) => ({ username, county, township, conflicts }));
    const centres = this.candidates(plan);
    const result = runDraw(plan, centres, pool);
    const record: PlanDraw = { centres, pool, pool_entries: entries, result };
    plan.draw = record;
    plan.state = 'drawn';
    this.log(plan.id, { at, by: this.by, kind: 'drawn',
      detail: `从${centres.length}个符合条件的中心抽取${result.tasks.length}个检查任务，检查人员名录${pool.length}人` });
    return plan;
  }

  list(): Plan[] { return clone(this.plans); }
  view(id: number): PlanView { return clone({ plan: this.plan(id), events: this.events.get(id) ?? [] }); }

  create(req: CreatePlan): Plan {
    if (!req.name?.trim()) throw new ApiError(422, 'invalid', "a plan's name has 1 to 200 characters");
    if (!/^\d{4}Q[1-4]$/.test(req.quarter)) throw new ApiError(422, 'invalid', `\`${req.quarter}\` is not a quarter like 2026Q4`);
    const s = req.sampling;
    if ('count' in s ? s.count < 1 : s.per_mille < 1 || s.per_mille > 1000) {
      throw new ApiError(422, 'invalid', 'sample 1 to 1000 per mille, or a count of at least 1');
    }
    if (req.per_task < 1 || req.per_task > 10) throw new ApiError(422, 'invalid', 'each task needs 1 to 10 inspectors');
    return clone(this.make(req, Date.now()));
  }

  draw(id: number): Plan {
    const plan = this.plan(id);
    if (plan.state !== 'draft') throw new ApiError(409, 'conflict', 'this plan has been drawn; a draw is never run again');
    return clone(this.drawn(plan, Date.now()));
  }

  replace(id: number, r: Replacement): Plan {
    const reason = r.reason.trim();
    if (!reason) throw new ApiError(422, 'invalid', 'a reason has 1 to 500 characters');
    const plan = this.plan(id);
    if (plan.state !== 'drawn' || !plan.draw) throw new ApiError(409, 'conflict', 'only a drawn, unconfirmed plan\'s inspectors are replaced');
    const task = plan.draw.result.tasks.find((t) => t.centre_code === r.centre_code);
    if (!task) throw new ApiError(422, 'invalid', `no task for centre \`${r.centre_code}\` in this draw`);
    const slot = task.inspectors.indexOf(r.inspector);
    if (slot < 0) throw new ApiError(422, 'invalid', `\`${r.inspector}\` is not on that task`);
    const centre = plan.draw.centres.find((c) => c.code === task.centre_code);
    const load = new Map<string, number>();
    for (const n of plan.draw.result.tasks.flatMap((t) => t.inspectors)) load.set(n, (load.get(n) ?? 0) + 1);
    const next = plan.draw.pool.filter((p) => (!centre || mayInspect(p, centre)) && !task.inspectors.includes(p.username))
      .sort((a, b) => ((load.get(a.username) ?? 0) - (load.get(b.username) ?? 0)) ||
        (key(plan.seed, 'inspector', task.centre_code, a.username) < key(plan.seed, 'inspector', task.centre_code, b.username) ? -1 : 1))[0];
    if (!next) throw tooSmall(task.centre_code, task.inspectors.length, task.inspectors.length - 1);
    task.inspectors[slot] = next.username;
    this.log(id, { at: Date.now(), by: this.by, kind: 'replaced', detail: `${task.centre_code}：${r.inspector} → ${next.username}。替换理由：${reason}` });
    return clone(plan);
  }

  confirm(id: number): Plan {
    const plan = this.plan(id);
    if (plan.state !== 'drawn' || !plan.draw) throw new ApiError(409, 'conflict', 'only a drawn, unconfirmed plan is confirmed');
    const tasks = plan.draw.result.tasks;
    for (const t of tasks) this.assign({ centre_code: t.centre_code, quarter: plan.quarter, purpose: plan.purpose, inspectors: t.inspectors });
    plan.state = 'confirmed';
    this.log(id, { at: Date.now(), by: this.by, kind: 'confirmed', detail: `派发${tasks.length}个检查任务` });
    return clone(plan);
  }

  listAssignments(quarter?: string): Assignment[] {
    return clone(this.assignments.filter((a) => !quarter || a.quarter === quarter));
  }

  assign(req: NewAssignments, at = Date.now(), doc?: string): Assignment[] {
    if (!/^\d{4}Q[1-4]$/.test(req.quarter)) throw new ApiError(422, 'invalid', `\`${req.quarter}\` is not a quarter like 2026Q4`);
    if (!req.inspectors.length || req.inspectors.length > 20) throw new ApiError(422, 'invalid', 'assign 1 to 20 inspectors');
    if (!this.centres.some((c) => c.code === req.centre_code)) throw new ApiError(422, 'invalid', `no centre \`${req.centre_code}\``);
    const active = new Set(this.inspectors().map((u) => u.username));
    const bad = req.inspectors.find((n) => !active.has(n));
    if (bad) throw new ApiError(422, 'invalid', `\`${bad}\` is not an active inspector of this centre's region`);
    const same = (a: Assignment) => a.centre_code === req.centre_code && a.quarter === req.quarter && a.purpose === req.purpose;
    const shared = doc ?? this.assignments.find(same)?.doc ?? `automerge:mock${req.centre_code}${req.quarter}${req.purpose}`;
    const out = req.inspectors.map((inspector) => {
      const had = this.assignments.find((a) => same(a) && a.inspector === inspector && !a.cancelled);
      if (had) return had;
      const a: Assignment = { id: this.nextAssignment++, centre_code: req.centre_code, quarter: req.quarter, purpose: req.purpose,
        inspector, doc: shared, template: { id: TEMPLATE.id, version: TEMPLATE.version }, assigned_by: this.by, created_at: at, cancelled: false };
      this.assignments.push(a);
      return a;
    });
    return clone(out);
  }

  cancel(id: number): void {
    const a = this.assignments.find((x) => x.id === id);
    if (!a) throw new ApiError(404, 'not_found', 'assignment not found');
    a.cancelled = true;
  }
}
