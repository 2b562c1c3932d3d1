// The in-memory operators feature behind MockApi, with the server's rules
// (docs/operators.md): operator accounts for centres of the supervisor's
// county, figures per statistics period with plausibility warnings that must
// be confirmed, revisions as versions, the county's coverage.
import type {
  CentreFigures, CoverageRow, FigureCheck, FigureReport, FigureWarning, NewOperator, OperatedCentre, Problem, User,
} from '../lib/server-types.gen';
import type { Centre } from '../lib/types.gen';
import { ApiError } from './api';
import { previousQuarter, shiftQuarter } from './quarters';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/// The operator a MockApi signs in as with `new MockApi({ user: OPERATOR })`.
export const OPERATOR: User = {
  id: 21, username: 'op-yucai', display_name: '育才社区便民服务中心 运营方', role: 'operator',
  scope: { province: '河北省', city: '石家庄市', county: '长安区' }, disabled: false, centres: ['130102-001'],
};

const FIELDS = [['turnover', 'turnover_wan'], ['visits', 'visits'], ['staff', 'staff'], ['merchants', 'merchants']] as const;

/// The server's plausibility checks (合理性校验).
export function warningsOf(current: FigureReport, previous: CentreFigures | undefined): FigureWarning[] {
  const out: FigureWarning[] = [];
  if (previous) {
    for (const [figure, key] of FIELDS) {
      const before = previous[key];
      if (before > 0 && Math.abs((current[key] - before) / before) > 0.5) {
        out.push({ code: 'change_over_half', figure, previous_period: previous.period, previous: before, current: current[key] });
      }
    }
  }
  if (current.turnover_wan > 0 && current.staff === 0) out.push({ code: 'turnover_without_staff' });
  if (current.turnover_wan > 0 && current.visits === 0) out.push({ code: 'turnover_without_visits' });
  if (current.turnover_wan === 0 && current.visits > 0) out.push({ code: 'visits_without_turnover' });
  return out;
}

export class MockOperators {
  figures: CentreFigures[] = [];
  accounts: User[] = [clone(OPERATOR)];
  private nextId = 30;

  constructor(private centres: Centre[], private problems: () => Problem[], private now: () => number = Date.now) {
    const due = previousQuarter(now());
    const seed = (code: string, period: string, turnover_wan: number, visits: number, staff: number, merchants: number) =>
      this.figures.push({ centre_code: code, period, version: 1, turnover_wan, visits, staff, merchants, ledger_photo: null,
        note: '', warnings: [], reported_by: 'op-changan', reported_at: now() - 5 * 86_400_000 });
    seed('130102-001', shiftQuarter(due, -1), 18.6, 3100, 3, 2);
    seed('130104-001', due, 91.2, 12_950, 14, 10);
  }

  private centre(user: User, code: string): Centre {
    const c = this.centres.find((x) => x.code === code);
    const oversees = (user.role === 'supervisor' || user.role === 'administrator') && c
      && (!user.scope.city || user.scope.city === c.region.city) && (!user.scope.county || user.scope.county === c.region.county);
    if (!c || !(oversees || (user.role === 'operator' && user.centres.includes(code)))) {
      throw new ApiError(404, 'not_found', 'centre not found');
    }
    return c;
  }

  private history(code: string): CentreFigures[] {
    return this.figures.filter((f) => f.centre_code === code)
      .sort((a, b) => b.period.localeCompare(a.period) || b.version - a.version);
  }

  mine(user: User): OperatedCentre[] {
    if (user.role !== 'operator') throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    const due = previousQuarter(this.now());
    return user.centres.map((code) => {
      const c = this.centre(user, code);
      return { code, name: c.name, county: c.region.county, township: c.region.township, due_period: due,
        history: clone(this.history(code)) };
    });
  }

  problemsOf(user: User): Problem[] {
    if (user.role !== 'operator') throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    return clone(this.problems().filter((p) => user.centres.includes(p.centre_code) && p.state !== 'draft'));
  }

  check(user: User, r: FigureReport): FigureCheck {
    this.centre(user, r.centre_code);
    const due = previousQuarter(this.now());
    if (r.period > due || r.period < shiftQuarter(due, -7)) {
      throw new ApiError(422, 'invalid', `figures are reported for a complete quarter up to ${due}`);
    }
    const counts = [r.visits, r.staff, r.merchants];
    if (!(r.turnover_wan >= 0 && r.turnover_wan <= 1_000_000) || counts.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new ApiError(422, 'invalid', 'figures are numbers from 0');
    }
    const previous = this.history(r.centre_code).find((f) => f.period === shiftQuarter(r.period, -1));
    return { warnings: warningsOf(r, previous) };
  }

  report(user: User, r: FigureReport): CentreFigures {
    const { warnings } = this.check(user, r);
    if (warnings.length && r.confirmed !== true) {
      throw new ApiError(409, 'conflict', `confirm or correct the figures first: ${warnings.map((w) => w.code).join(', ')}`);
    }
    const version = this.history(r.centre_code).filter((f) => f.period === r.period).length + 1;
    const stored: CentreFigures = {
      centre_code: r.centre_code, period: r.period, version, turnover_wan: Math.round(r.turnover_wan * 100) / 100,
      visits: r.visits, staff: r.staff, merchants: r.merchants, ledger_photo: r.ledger_photo ?? null, note: r.note ?? '',
      warnings, reported_by: user.username, reported_at: this.now(),
    };
    this.figures.push(stored);
    return clone(stored);
  }

  of(user: User, code: string): CentreFigures[] {
    this.centre(user, code);
    return clone(this.history(code));
  }

  coverage(user: User, period: string): CoverageRow[] {
    if (user.role !== 'supervisor' && user.role !== 'administrator') {
      throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    }
    return this.centres
      .filter((c) => c.status === 'built' && (!user.scope.county || user.scope.county === c.region.county)
        && (!user.scope.city || user.scope.city === c.region.city))
      .map((c) => ({ centre_code: c.code, centre_name: c.name, county: c.region.county, township: c.region.township,
        figures: clone(this.history(c.code).find((f) => f.period === period) ?? null) }));
  }

  list(user: User): User[] {
    if (user.role !== 'supervisor' && user.role !== 'administrator') {
      throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    }
    return clone(this.accounts);
  }

  create(user: User, req: NewOperator): User {
    const centres = [...new Set(req.centres)].sort();
    if (!centres.length) throw new ApiError(422, 'invalid', 'an operator runs 1 to 20 centres');
    const found = centres.map((code) => this.centre(user, code));
    if (new Set(found.map((c) => c.region.county)).size > 1) {
      throw new ApiError(422, 'invalid', "an operator's centres lie in one county");
    }
    if (this.accounts.some((a) => a.username === req.username)) throw new ApiError(409, 'conflict', `user \`${req.username}\` exists`);
    const r = found[0].region;
    const created: User = { id: this.nextId++, username: req.username, display_name: req.display_name, role: 'operator',
      scope: { province: r.province, city: r.city, county: r.county }, disabled: false, centres };
    this.accounts.push(created);
    return clone(created);
  }
}
