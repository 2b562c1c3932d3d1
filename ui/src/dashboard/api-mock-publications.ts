// The in-memory publication (结果公示, 一公开) behind MockApi, with the
// server's rules: administrators of the plan's region publish a confirmed
// plan's results as a frozen snapshot; the first version needs an approved
// result, every later one is a correction (更正) with a reason (更正说明).
import type { InspectionRow, Plan, Problem, Publication, PublicRow, User } from '../lib/server-types.gen';
import { ApiError } from './api';
import { chinaDate } from './api-mock-problems';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/// The user's region holds the plan's (empty parts of the user's scope are "all").
const oversees = (u: User, p: Plan) =>
  (!u.scope.province || u.scope.province === p.scope.province) && (!u.scope.city || u.scope.city === p.scope.city) &&
  (!u.scope.county || u.scope.county === p.scope.county);

export class MockPublications {
  versions = new Map<number, Publication[]>();

  constructor(private plan: (id: number) => Plan, private rows: () => InspectionRow[], private problems: () => Problem[],
    private now: () => number = Date.now) {}

  /// A plan the user oversees: supervisors and administrators of its region.
  private overseen(user: User, id: number): Plan {
    if (user.role !== 'supervisor' && user.role !== 'administrator') {
      throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    }
    const plan = this.plan(id);
    if (!oversees(user, plan)) throw new ApiError(404, 'not_found', 'plan not found');
    return plan;
  }

  list(user: User, id: number): Publication[] {
    this.overseen(user, id);
    return clone(this.versions.get(id) ?? []);
  }

  publish(user: User, id: number, reason = ''): Publication {
    const why = reason.trim();
    if ([...why].length > 500) throw new ApiError(422, 'invalid', 'a reason has at most 500 characters');
    const plan = this.overseen(user, id);
    if (user.role !== 'administrator') throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    if (plan.state !== 'confirmed') throw new ApiError(409, 'conflict', "only a confirmed plan's results are published");
    const list = this.versions.get(id) ?? [];
    if (list.length && !why) throw new ApiError(422, 'invalid', 'a correction says why (更正说明)');
    const rows = this.snapshot(plan);
    if (!list.length && rows.every((r) => r.grade == null)) {
      throw new ApiError(409, 'conflict', 'no result of this plan is approved yet: nothing to publish');
    }
    const p: Publication = { plan_id: id, version: list.length + 1, title: plan.name, scope: { ...plan.scope }, quarter: plan.quarter,
      purpose: plan.purpose, seed: plan.seed, rows, reason: why, published_by: user.username, published_at: this.now() };
    this.versions.set(id, [...list, p]);
    return clone(p);
  }

  /// The public rows of the plan's tasks as the records stand now: no inspector, no photo, no note.
  private snapshot(plan: Plan): PublicRow[] {
    const out: PublicRow[] = [];
    for (const task of plan.draw?.result.tasks ?? []) {
      const row = this.rows().filter((r) => r.centre_code === task.centre_code && r.quarter === plan.quarter && r.purpose === plan.purpose)
        .sort((a, b) => b.updated_at - a.updated_at)[0];
      if (!row) continue;
      const approved = row.status === 'approved';
      const found = this.problems().filter((p) => p.doc === row.doc);
      const closed = found.filter((p) => p.state === 'closed').length;
      out.push({ centre_code: row.centre_code, centre_name: row.centre_name, centre_type: row.centre_type, county: row.region.county,
        township: row.region.township, grade: approved ? row.grade : null, approved_on: approved ? chinaDate(row.updated_at) : null,
        open_problems: found.length - closed, closed_problems: closed });
    }
    return out.sort((a, b) => (a.county + '\u001f' + a.centre_code < b.county + '\u001f' + b.centre_code ? -1 : 1));
  }
}
