// The dashboard's only door to the server: one function per REST endpoint,
// same-origin fetch with the HttpOnly session cookie (no token in JS).
// Pages talk to `DashboardApi`, so tests and `?mock` use MockApi instead.
import type {
  ApiErrorCode, Assignment, CentreOverview, NewFollowUp, ChartData, CityRegions, CreatePlan, EditProblem, Escalation, Feedback, InspectionRow,
  IssueNotice, LedgerRow, LoginResponse, NewAssignments, Notice, NoticeView, Page, Plan, PlanView, Problem, ProblemState,
  ProblemView, Publication, Publish, QuarterlyStats, RegistryRow, Replacement, ReportView, ReviewRequest, ScoreRow, Severity, StoredPhoto,
  SpotCheck, User, OperatedCentre, FigureReport, FigureCheck, CentreFigures, CoverageRow, NewOperator,
  ReportBoard, ReportDraft, ReportVersion, ReviewReport, SubmitReport, Analysis, ExemplarAction, ExemplarView, Nomination,
  DraftMigration,
} from '../lib/server-types.gen';
import type { Centre, I18n, Template } from '../lib/types.gen';

export const PREFIX = '/api/v1';

/// Every failed request: the HTTP status and the server's `{code, message}`
/// (`http_<status>` when no server answered, e.g. a proxy's error page).
export class ApiError extends Error {
  /// Every problem of a refused form or file (`errors` of a 422), when the server lists them.
  details: string[] = [];
  constructor(public status: number, public code: ApiErrorCode | 'offline' | `http_${number}`, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Flag = 'not_verified' | 'conflicts' | 'missing_evidence' | 'veto';
export const FLAGS: Flag[] = ['not_verified', 'conflicts', 'missing_evidence', 'veto'];
export type SortKey = 'updated' | 'total' | 'centre' | 'quarter';

export type InspectionQuery = {
  quarter?: string; city?: string; county?: string; township?: string; type?: string; template?: string;
  purpose?: string; status?: string; grade?: string; flag?: Flag[]; sort?: SortKey; order?: 'asc' | 'desc'; page?: number; per_page?: number; after?: string; before?: string;
};
export type RegistryQuery = {
  type?: string; status?: string; q?: string; city?: string; county?: string; page?: number; per_page?: number; after?: string; before?: string;
};
export type StatsQuery = { quarter: string; province: string };
/// A city or county within the caller's region (`&city=石家庄市&county=长安区`); none: the whole region.
export type RegionFilter = { city?: string; county?: string };
/// Where a problem stands against its deadline: issued and not yet due
/// (`open`) or past it (`overdue`); closed by it (`on_time`) or after (`late`).
export type Due = 'open' | 'overdue' | 'on_time' | 'late';
export const DUES: Due[] = ['open', 'overdue', 'on_time', 'late'];
/// `GET /api/v1/problems`: every filter optional.
export type ProblemQuery = {
  city?: string; county?: string; township?: string; centre?: string; doc?: string; notice?: number;
  state?: ProblemState; severity?: Severity; due?: Due; page?: number; per_page?: number; after?: string; before?: string;
};
/// `POST /api/v1/problems/followup`: a 复查 task holding the centre's open (issued) problems.
export type FollowUpRequest = NewFollowUp;
/// A frozen report version's downloads: both attachments as one workbook, or one as CSV.
export type ReportFile = 'tables.xlsx' | 'attachment4.csv' | 'attachment5.csv';

/// `?a=1&flag=x,y` with empty values left out; keys in a stable order.
export function queryString(q: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v == null || v === '') continue;
    if (Array.isArray(v)) { if (v.length) p.set(k, v.join(',')); continue; }
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface DashboardApi {
  login(username: string, password: string): Promise<LoginResponse>;
  logout(): Promise<void>;
  me(): Promise<User>;
  inspections(q: InspectionQuery): Promise<Page<InspectionRow>>;
  report(doc: string): Promise<ReportView>;
  /// The inspection's figures against the centre's own report (抽查核实).
  spotCheck(doc: string): Promise<SpotCheck>;
  scores(doc: string): Promise<ScoreRow[]>;
  review(doc: string, req: ReviewRequest): Promise<InspectionRow>;
  template(id: string, version: number): Promise<Template>;
  centre(code: string): Promise<Centre>;
  /// Registers or changes one centre (administrators): the import's fields, the position in `datum`.
  saveCentre(code: string, fields: Record<string, string>): Promise<Centre>;
  centreOverview(code: string): Promise<CentreOverview>;
  registry(q: RegistryQuery): Promise<Page<RegistryRow>>;
  regions(): Promise<CityRegions[]>;
  /// The evaluation templates in use (for the template filter).
  templates(): Promise<TemplateSummary[]>;
  /// Open drafts of earlier versions that moving to this version would carry (administrators).
  draftMigration(id: string, version: number): Promise<DraftMigration>;
  /// Moves them: each becomes a change in its document, synced to the devices.
  migrateDrafts(id: string, version: number): Promise<DraftMigration>;
  quarterly(q: StatsQuery): Promise<QuarterlyStats>;
  charts(q: StatsQuery): Promise<ChartData>;
  /// URLs for <img src> and plain download links (cookie auth).
  thumbnailUrl(sha256: string): string;
  photoUrl(sha256: string): string;
  inspectionsExport(format: 'csv' | 'geojson', q: InspectionQuery): string;
  centresExport(format: 'csv' | 'geojson', q: RegistryQuery): string;
  statsDownload(kind: 'attachment4.csv' | 'attachment5.csv' | 'quarterly.xlsx', q: StatsQuery): string;

  // Plans and their random draw (双随机抽查), newest first; docs/supervision.md.
  plans(): Promise<Plan[]>;
  plan(id: number): Promise<PlanView>;
  createPlan(req: CreatePlan): Promise<Plan>;
  /// Runs the draw once: 409 when drawn already, 422 when the pool is too small.
  drawPlan(id: number): Promise<Plan>;
  replaceInPlan(id: number, req: Replacement): Promise<Plan>;
  /// The tasks become assignments; the plan changes no more.
  confirmPlan(id: number): Promise<Plan>;
  /// Assignments of the caller's region (manual ones and confirmed plans' tasks), cancelled ones flagged.
  assignments(quarter?: string): Promise<Assignment[]>;
  createAssignments(req: NewAssignments): Promise<Assignment[]>;
  cancelAssignment(id: number): Promise<void>;
  /// Users of the caller's region.
  users(): Promise<User[]>;

  // Problems and rectification (问题清单与整改), newest first; supervisors and administrators.
  problems(q: ProblemQuery): Promise<Page<Problem>>;
  /// 整改台账: counts per county of the caller's region.
  problemLedger(): Promise<LedgerRow[]>;
  problem(id: number): Promise<ProblemView>;
  /// Only while draft (409 otherwise); a bad date is 422.
  editProblem(id: number, req: EditProblem): Promise<Problem>;
  /// 整改反馈, issued problems only.
  problemFeedback(id: number, req: Feedback): Promise<Problem>;
  /// A photo of the rectification for an issued problem; its SHA-256 goes in the feedback.
  problemPhoto(id: number, photo: Blob): Promise<StoredPhoto>;
  // Centre operators (运营主体) and their figures (docs/operators.md).
  operatorCentres(): Promise<OperatedCentre[]>;
  operatorProblems(): Promise<Problem[]>;
  checkFigures(report: FigureReport): Promise<FigureCheck>;
  reportFigures(report: FigureReport): Promise<CentreFigures>;
  centreFigures(code: string): Promise<CentreFigures[]>;
  ledgerPhoto(code: string, photo: Blob): Promise<StoredPhoto>;
  ledgerPhotoUrl(code: string, period: string, version: number): string;
  /// The built centres of the caller's region, or of a city or county within it.
  figuresCoverage(period: string, region?: RegionFilter): Promise<CoverageRow[]>;
  operators(): Promise<User[]>;
  createOperator(req: NewOperator): Promise<User>;
  /// 督办, issued problems only.
  escalateProblem(id: number, req: Escalation): Promise<Problem>;
  /// 整改通知书 for draft problems of one centre: 409 when one is no longer draft, 422 for two centres.
  issueNotice(req: IssueNotice): Promise<Notice>;
  notice(id: number): Promise<NoticeView>;
  /// Arranges a follow-up visit (复查) of the centre's issued problems.
  followUp(req: FollowUpRequest): Promise<Assignment[]>;
  /// The printable A4 notice (open in a new tab) and the ledger's downloads.
  noticePrintUrl(id: number): string;
  problemsExport(format: 'csv' | 'xlsx', q: ProblemQuery): string;

  // Publication of a confirmed plan's results (结果公示, 一公开); docs/supervision.md.
  /// Every version, oldest first (supervisors and administrators of the plan's region).
  publications(planId: number): Promise<Publication[]>;
  /// Administrators only (403); a confirmed plan only (409); the first version needs an
  /// approved result (409), every later one is a correction with a reason (422 without).
  publish(planId: number, req: Publish): Promise<Publication>;
  /// The public pages (no sign-in): one plan's results, and the index of published plans.
  publicUrl(planId: number): string;
  publicIndexUrl(): string;

  // The quarterly report chain (季度报表: 填报 → 审核 → 上报); supervisors and
  // administrators, each for their own region and the regions one level down.
  /// The region's report of a quarter: its versions, the parts below, deadlines, 报送及时率.
  reportBoard(quarter: string): Promise<ReportBoard>;
  /// What submitting now would freeze (填报预览); 403 for the whole country.
  reportDraft(quarter: string): Promise<ReportDraft>;
  /// 上报 (a province's: 报送商务部): 409 while blocked, 422 for a bad header or a correction without its reason.
  submitReport(req: SubmitReport): Promise<ReportVersion>;
  /// One version with its frozen tables.
  reportVersion(id: number): Promise<ReportVersion>;
  /// 审核通过 or 退回 (with a comment): the region one level up, the newest version awaiting review only.
  reviewReport(id: number, req: ReviewReport): Promise<ReportVersion>;
  /// A version's download: the official Chinese layout, or the Chinese+English one.
  reportDownload(id: number, file: ReportFile, bilingual?: boolean): string;

  // 分析研判: where the region is weak; supervisors and administrators, their region
  // (a national administrator names the province).
  /// 失分率 per item and county, vetoes, county ranking, 整改销号率, 报送及时率, trend.
  analysis(q: StatsQuery): Promise<Analysis>;

  // 标杆样板 (docs/analysis.md): overseers nominate a centre whose latest official result is 优秀
  // with its case write-up; a province's supervisors and administrators publicise it (公示),
  // record objections (异议), recognise it (认定) or reject it (不予认定).
  /// Nominations of the caller's region, newest first; a recognised one due for 复核 says why.
  exemplars(): Promise<ExemplarView[]>;
  exemplar(id: number): Promise<ExemplarView>;
  /// 推荐: 409 when the centre does not qualify or is nominated already, 422 for a bad case, 404 outside the region.
  nominateExemplar(req: Nomination): Promise<ExemplarView>;
  /// 公示 / 异议 / 认定 / 不予认定: a province's staff only (403); 409 when the state does not allow it.
  exemplarAction(id: number, action: ExemplarAction): Promise<ExemplarView>;
  /// The case write-up as a page to print (open in a new tab), and the public page of 标杆样板.
  exemplarCaseUrl(id: number): string;
  publicExemplarsUrl(): string;
}

/// `GET /api/v1/templates`: one entry per template version the server knows.
export type TemplateSummary = { id: string; version: number; centre_type: string; title: I18n; province: string | null };

const enc = encodeURIComponent;
const listQuery = ({ page: _p, per_page: _pp, after: _a, before: _b, ...rest }: InspectionQuery | RegistryQuery) => rest;
/// The problem filters of a download: no paging.
const problemFilters = ({ page: _p, per_page: _pp, after: _a, before: _b, ...rest }: ProblemQuery) => rest;

export class HttpApi implements DashboardApi {
  constructor(private base = '') {}

  /// `body` goes as JSON; a Blob (a photo) goes as it is, with its own type.
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    const raw = typeof Blob !== 'undefined' && body instanceof Blob;
    const type = raw ? (body.type || 'application/octet-stream') : 'application/json';
    try {
      res = await fetch(this.base + PREFIX + path, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': type },
        body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, 'offline', e instanceof Error ? e.message : String(e));
    }
    const text = await res.text();
    let data: unknown = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (!res.ok) {
      const err = (data ?? {}) as { code?: ApiErrorCode; message?: string; errors?: string[] };
      const e = new ApiError(res.status, err.code ?? `http_${res.status}`, err.message ?? (text || res.statusText));
      e.details = Array.isArray(err.errors) ? err.errors.slice(0, 50) : [];
      throw e;
    }
    return data as T;
  }

  login(username: string, password: string) { return this.call<LoginResponse>('POST', '/login', { username, password }); }
  async logout() { await this.call<unknown>('POST', '/logout'); }
  me() { return this.call<User>('GET', '/me'); }
  inspections(q: InspectionQuery) { return this.call<Page<InspectionRow>>('GET', `/inspections${queryString(q)}`); }
  report(doc: string) { return this.call<ReportView>('GET', `/inspections/${enc(doc)}/report`); }
  spotCheck(doc: string) { return this.call<SpotCheck>('GET', `/inspections/${enc(doc)}/figures`); }
  scores(doc: string) { return this.call<ScoreRow[]>('GET', `/inspections/${enc(doc)}/scores`); }
  review(doc: string, req: ReviewRequest) { return this.call<InspectionRow>('POST', `/inspections/${enc(doc)}/review`, req); }
  template(id: string, version: number) { return this.call<Template>('GET', `/templates/${enc(id)}/${version}`); }
  centre(code: string) { return this.call<Centre>('GET', `/centres/${enc(code)}`); }
  saveCentre(code: string, fields: Record<string, string>) { return this.call<Centre>('PUT', `/centres/${enc(code)}`, fields); }
  centreOverview(code: string) { return this.call<CentreOverview>('GET', `/centres/${enc(code)}/overview`); }
  registry(q: RegistryQuery) { return this.call<Page<RegistryRow>>('GET', `/registry${queryString(q)}`); }
  regions() { return this.call<CityRegions[]>('GET', '/regions'); }
  templates() { return this.call<TemplateSummary[]>('GET', '/templates'); }
  draftMigration(id: string, version: number) {
    return this.call<DraftMigration>('GET', `/templates/${encodeURIComponent(id)}/${version}/drafts`);
  }
  migrateDrafts(id: string, version: number) {
    return this.call<DraftMigration>('POST', `/templates/${encodeURIComponent(id)}/${version}/drafts`, {});
  }
  quarterly(q: StatsQuery) { return this.call<QuarterlyStats>('GET', `/stats/quarterly${queryString(q)}`); }
  charts(q: StatsQuery) { return this.call<ChartData>('GET', `/stats/charts${queryString(q)}`); }
  plans() { return this.call<Plan[]>('GET', '/plans'); }
  plan(id: number) { return this.call<PlanView>('GET', `/plans/${id}`); }
  createPlan(req: CreatePlan) { return this.call<Plan>('POST', '/plans', req); }
  drawPlan(id: number) { return this.call<Plan>('POST', `/plans/${id}/draw`); }
  replaceInPlan(id: number, req: Replacement) { return this.call<Plan>('POST', `/plans/${id}/replace`, req); }
  confirmPlan(id: number) { return this.call<Plan>('POST', `/plans/${id}/confirm`); }
  assignments(quarter?: string) { return this.call<Assignment[]>('GET', `/assignments${queryString({ quarter })}`); }
  createAssignments(req: NewAssignments) { return this.call<Assignment[]>('POST', '/assignments', req); }
  async cancelAssignment(id: number) { await this.call<unknown>('DELETE', `/assignments/${id}`); }
  users() { return this.call<User[]>('GET', '/users'); }
  problems(q: ProblemQuery) { return this.call<Page<Problem>>('GET', `/problems${queryString(q)}`); }
  problemLedger() { return this.call<LedgerRow[]>('GET', '/problems/ledger'); }
  problem(id: number) { return this.call<ProblemView>('GET', `/problems/${id}`); }
  editProblem(id: number, req: EditProblem) { return this.call<Problem>('PATCH', `/problems/${id}`, req); }
  problemFeedback(id: number, req: Feedback) { return this.call<Problem>('POST', `/problems/${id}/feedback`, req); }
  problemPhoto(id: number, photo: Blob) { return this.call<StoredPhoto>('POST', `/problems/${id}/photos`, photo); }
  operatorCentres() { return this.call<OperatedCentre[]>('GET', '/operator/centres'); }
  operatorProblems() { return this.call<Problem[]>('GET', '/operator/problems'); }
  checkFigures(report: FigureReport) { return this.call<FigureCheck>('POST', '/figures/check', report); }
  reportFigures(report: FigureReport) { return this.call<CentreFigures>('POST', '/figures', report); }
  centreFigures(code: string) { return this.call<CentreFigures[]>('GET', `/centres/${enc(code)}/figures`); }
  ledgerPhoto(code: string, photo: Blob) { return this.call<StoredPhoto>('POST', `/centres/${enc(code)}/ledger-photos`, photo); }
  ledgerPhotoUrl(code: string, period: string, version: number) {
    return `${this.base}${PREFIX}/centres/${enc(code)}/figures/${enc(period)}/${version}/ledger-photo`;
  }
  figuresCoverage(period: string, region: RegionFilter = {}) {
    return this.call<CoverageRow[]>('GET', `/figures/coverage${queryString({ period, city: region.city, county: region.county })}`);
  }
  operators() { return this.call<User[]>('GET', '/operators'); }
  createOperator(req: NewOperator) { return this.call<User>('POST', '/operators', req); }
  escalateProblem(id: number, req: Escalation) { return this.call<Problem>('POST', `/problems/${id}/escalate`, req); }
  issueNotice(req: IssueNotice) { return this.call<Notice>('POST', '/notices', req); }
  notice(id: number) { return this.call<NoticeView>('GET', `/notices/${id}`); }
  followUp(req: FollowUpRequest) { return this.call<Assignment[]>('POST', '/problems/followup', req); }
  publications(planId: number) { return this.call<Publication[]>('GET', `/plans/${planId}/publications`); }
  publish(planId: number, req: Publish) { return this.call<Publication>('POST', `/plans/${planId}/publications`, req); }
  reportBoard(quarter: string) { return this.call<ReportBoard>('GET', `/reports${queryString({ quarter })}`); }
  reportDraft(quarter: string) { return this.call<ReportDraft>('GET', `/reports/draft${queryString({ quarter })}`); }
  submitReport(req: SubmitReport) { return this.call<ReportVersion>('POST', '/reports', req); }
  reportVersion(id: number) { return this.call<ReportVersion>('GET', `/reports/${id}`); }
  reviewReport(id: number, req: ReviewReport) { return this.call<ReportVersion>('POST', `/reports/${id}/review`, req); }
  analysis(q: StatsQuery) { return this.call<Analysis>('GET', `/analysis${queryString(q)}`); }
  exemplars() { return this.call<ExemplarView[]>('GET', '/exemplars'); }
  exemplar(id: number) { return this.call<ExemplarView>('GET', `/exemplars/${id}`); }
  nominateExemplar(req: Nomination) { return this.call<ExemplarView>('POST', '/exemplars', req); }
  exemplarAction(id: number, action: ExemplarAction) { return this.call<ExemplarView>('POST', `/exemplars/${id}/actions`, action); }

  thumbnailUrl(sha: string) { return `${this.base}${PREFIX}/blobs/${enc(sha)}/thumbnail`; }
  photoUrl(sha: string) { return `${this.base}${PREFIX}/blobs/${enc(sha)}`; }
  inspectionsExport(format: 'csv' | 'geojson', q: InspectionQuery) {
    return `${this.base}${PREFIX}/inspections/export.${format}${queryString(listQuery(q))}`;
  }
  centresExport(format: 'csv' | 'geojson', q: RegistryQuery) {
    return `${this.base}${PREFIX}/centres/export.${format}${queryString(listQuery(q))}`;
  }
  statsDownload(kind: 'attachment4.csv' | 'attachment5.csv' | 'quarterly.xlsx', q: StatsQuery) {
    return `${this.base}${PREFIX}/stats/${kind}${queryString(q)}`;
  }
  noticePrintUrl(id: number) { return `${this.base}${PREFIX}/notices/${id}/print`; }
  reportDownload(id: number, file: ReportFile, bilingual = false) {
    return `${this.base}${PREFIX}/reports/${id}/${file}${bilingual ? '?layout=bilingual' : ''}`;
  }
  publicUrl(planId: number) { return `${this.base}/public/plans/${planId}`; }
  publicIndexUrl() { return `${this.base}/public`; }
  exemplarCaseUrl(id: number) { return `${this.base}${PREFIX}/exemplars/${id}/case`; }
  publicExemplarsUrl() { return `${this.base}/public/exemplars`; }
  problemsExport(format: 'csv' | 'xlsx', q: ProblemQuery) {
    return `${this.base}${PREFIX}/problems/export.${format}${queryString(problemFilters(q))}`;
  }
}

export { listQuery, problemFilters };
