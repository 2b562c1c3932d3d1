// The in-memory operators feature behind MockApi, with the server's rules
// (docs/operators.md): operator accounts for centres of the supervisor's
// county, figures per statistics period with plausibility warnings that must
// be confirmed, revisions as versions, the county's coverage.
import type {
  CentreFigures, CoverageRow, FigureCheck, FigureReport, FigureWarning, NewOperator, OperatedCentre, Problem, User,
} from '../lib/server-types.gen';
import type { Centre } from '../lib/types.gen';
import { ApiError, type RegionFilter } from './api';
import { chinaDate } from './api-mock-problems';
import { previousQuarter, shiftQuarter } from './quarters';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/// The operator a MockApi signs in as with `new MockApi({ user: OPERATOR })`
/// (the dashboard: `?mock&operator`): a community centre and a township centre of 长安区.
export const OPERATOR: User = {
  id: 21, username: 'op-changan', display_name: '长安区惠民商贸有限公司', role: 'operator',
  scope: { province: '河北省', city: '石家庄市', county: '长安区' }, disabled: false, centres: ['130102-001', '130102-101'],
};
/// A village's operator: reported the period before, the period due still open.
export const VILLAGE_OPERATOR: User = {
  id: 22, username: 'op-nandou', display_name: '南豆村股份经济合作社', role: 'operator',
  scope: { province: '河北省', city: '石家庄市', county: '长安区' }, disabled: false, centres: ['130102-102'],
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

type Seed = [code: string, back: number, turnover: number, visits: number, staff: number, merchants: number, by: string, ledger?: boolean];
/// Periods back from the one due (0 = due). 育才 has the period due open; the
/// township doubled its turnover (a confirmed warning); 友谊 was entered by the county (代填).
const SEEDS: Seed[] = [
  ['130102-001', 2, 86.4, 11_820, 12, 8, 'op-changan'],
  ['130102-001', 1, 91.2, 12_460, 12, 9, 'op-changan', true],
  ['130102-101', 1, 210.5, 26_300, 25, 18, 'op-changan'],
  ['130102-101', 0, 428, 31_900, 27, 21, 'op-changan', true],
  ['130102-102', 1, 18.6, 3_100, 3, 2, 'op-nandou'],
  ['130104-001', 0, 64.8, 9_870, 10, 7, 'sup-zhao'],
];

/// A stand-in ledger photo for the seeded figures (a browser opens it in a new tab).
const LEDGER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320"><rect width="100%" height="100%" fill="#f4f1e8"/>'
  + '<text x="24" y="60" font-size="28">经营台账（演示）</text></svg>';

export class MockOperators {
  figures: CentreFigures[] = [];
  accounts: User[] = [clone(OPERATOR), clone(VILLAGE_OPERATOR)];
  /// Ledger photos sent, by SHA-256: an object URL where the browser has them.
  private photos = new Map<string, string>();
  private nextId = 30;

  constructor(private centres: Centre[], private problems: () => Problem[], private now: () => number = Date.now) {
    const due = previousQuarter(now());
    for (const [code, back, turnover_wan, visits, staff, merchants, by, ledger] of SEEDS) {
      const period = shiftQuarter(due, -back);
      const values = { centre_code: code, period, turnover_wan, visits, staff, merchants };
      const previous = this.history(code).find((f) => f.period === shiftQuarter(period, -1));
      this.figures.push({ ...values, version: 1, ledger_photo: ledger ? `ledger-${code}-${period}`.padEnd(64, '0') : null,
        note: '', warnings: warningsOf(values, previous), reported_by: by, reported_at: now() - (back * 90 + 5) * 86_400_000 });
    }
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
    const today = chinaDate(this.now());
    return clone(this.problems().filter((p) => user.centres.includes(p.centre_code) && p.state !== 'draft'))
      .map((p) => ({ ...p, overdue: p.state === 'issued' && p.deadline < today }));
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
    if (r.ledger_photo && !this.photos.has(r.ledger_photo)) {
      throw new ApiError(422, 'invalid', 'the ledger photo was not sent by you');
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

  photo(user: User, code: string, photo: Blob): { sha256: string } {
    this.centre(user, code);
    if (!/^image\/(jpeg|png|webp)$/.test(photo.type)) throw new ApiError(415, 'unsupported_media_type', 'a photo is image/jpeg, image/png or image/webp');
    const sha256 = `ledger${(this.photos.size + 1).toString(16)}${photo.size.toString(16)}`.padEnd(64, '0');
    this.photos.set(sha256, typeof URL.createObjectURL === 'function' ? URL.createObjectURL(photo) : '#');
    return { sha256 };
  }

  /// Where the browser shows the ledger photo a version names.
  photoUrl(code: string, period: string, version: number): string {
    const f = this.figures.find((x) => x.centre_code === code && x.period === period && x.version === version);
    if (!f?.ledger_photo) return '#';
    if (!this.photos.has(f.ledger_photo) && typeof URL.createObjectURL === 'function') {
      this.photos.set(f.ledger_photo, URL.createObjectURL(new Blob([LEDGER_SVG], { type: 'image/svg+xml' })));
    }
    return this.photos.get(f.ledger_photo) ?? '#';
  }

  of(user: User, code: string): CentreFigures[] {
    this.centre(user, code);
    return clone(this.history(code));
  }

  /// As the server: `city` and `county` narrow the caller's region; one outside it is refused.
  coverage(user: User, period: string, region: RegionFilter = {}): CoverageRow[] {
    if (user.role !== 'supervisor' && user.role !== 'administrator') {
      throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    }
    const city = region.city || user.scope.city;
    const county = region.county || user.scope.county;
    if ((region.city && user.scope.city && region.city !== user.scope.city)
      || (region.county && user.scope.county && region.county !== user.scope.county)) {
      throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    }
    return this.centres
      .filter((c) => c.status === 'built' && (!user.scope.province || user.scope.province === c.region.province)
        && (!city || city === c.region.city) && (!county || county === c.region.county))
      .map((c) => ({ centre_code: c.code, centre_name: c.name, county: c.region.county, township: c.region.township,
        has_operator: this.accounts.some((a) => !a.disabled && a.centres.includes(c.code)),
        figures: clone(this.history(c.code).find((f) => f.period === period) ?? null) }));
  }

  list(user: User): User[] {
    if (user.role !== 'supervisor' && user.role !== 'administrator') {
      throw new ApiError(403, 'forbidden', 'this is outside your role or region');
    }
    const { city, county } = user.scope;
    return clone(this.accounts.filter((a) => (!city || a.scope.city === city) && (!county || a.scope.county === county)));
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
