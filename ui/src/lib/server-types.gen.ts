// DO NOT EDIT. Generated from the Rust types by server/tests/ts_types.rs;
// regenerate with `XUNCHA_BLESS=1 cargo test -p xuncha-server --test ts_types`.
import type { Centre, CentreStatus, CentreType, DocumentId, Grade, InspectionSnapshot, OnSiteStatus, Purpose, Region, Report, ReviewStatus, TemplateRef, WorkflowStatus } from './types.gen';

/** A page of a list: `items` of `total` (counted up to 10,000: `total_exact` says whether
* all were), `per_page` per page; `next` and `prev` reach its neighbours (`after=`, `before=`). */
export type Page<T> = { items: Array<T>, total: number, total_exact: boolean, page: number, per_page: number, next: string | null, prev: string | null, };

/**
 * A region's weaknesses in one quarter.
 */
export type Analysis = { quarter: string, region: Scope, 
/**
 * Per centre type, the items with the highest 失分率, worst first.
 */
items: Array<ItemLoss>, by_county: Array<CountyWeakness>, 
/**
 * Items that vetoed inspections, most often first.
 */
vetoes: Array<ItemLoss>, 
/**
 * Counties by average score of the quarter's official inspections.
 */
ranking: Array<CountyRank>, 
/**
 * 整改销号率 per county (all problems to date).
 */
closure: Array<CountyClosure>, 
/**
 * 报送及时率 of the region and the regions below, the four quarters to the one before.
 */
timeliness: Array<Timeliness>, 
/**
 * Average score per quarter, oldest first.
 */
trend: Array<QuarterAverage>, };

/**
 * Every code an error response carries, stable across versions. The
 * dashboard's TypeScript type is generated from it (server/tests/ts_types.rs).
 */
export type ApiErrorCode = "bad_request" | "unauthorized" | "forbidden" | "not_found" | "method_not_allowed" | "conflict" | "payload_too_large" | "unsupported_media_type" | "invalid" | "not_signed" | "cross_site" | "too_many_requests" | "busy" | "internal";

export type Assignment = { id: number, centre_code: string, quarter: string, purpose: Purpose, inspector: string, doc: DocumentId, template: TemplateRefView, assigned_by: string, created_at: number, cancelled: boolean, };

/**
 * Attachment 4: centres built, under construction and planned.
 */
export type Attachment4Row = { city: string, centre_type: CentreType, built: number, under_construction: number, planned: number, };

/**
 * Attachment 5: operations of built centres in the statistics period (统计期).
 */
export type Attachment5Row = { city: string, centre_type: CentreType, 
/**
 * Built centres of this city and type.
 */
built: number, 
/**
 * Of those, the ones with figures for the period.
 */
reporting: number, 
/**
 * Of those reporting, the ones whose figures the centre reported
 * itself (or its county for it); the others' come from an inspector.
 */
self_reported: number, 
/**
 * 营业额, 10,000 yuan.
 */
turnover_10k_yuan: number, 
/**
 * 服务人次
 */
service_visits: number, 
/**
 * 员工数量
 */
staff: number, 
/**
 * 入驻商户数
 */
tenants: number, };

/**
 * The official inspection the nomination rests on.
 */
export type Basis = { doc: string, quarter: string, total: number, grade: string, };

/**
 * A centre that may be drawn.
 */
export type Candidate = { code: string, county: string, township: string, centre_type: CentreType, 
/**
 * Open problems: drawn before the others of its stratum.
 */
open_problems: boolean, 
/**
 * Who inspected it in the previous round (回避).
 */
last_inspectors: Array<string>, };

/**
 * The case write-up (可复制可推广经验) the nomination proposes for 三(七).
 */
export type CaseWriteUp = { title: string, 
/**
 * What the centre does that others can copy.
 */
summary: string, 
/**
 * Its practices, one per line item.
 */
practices: Array<string>, };

/**
 * One version of a centre's figures for a period.
 */
export type CentreFigures = { centre_code: string, 
/**
 * 统计期: the complete quarter the figures are for (`2026Q3`).
 */
period: string, 
/**
 * 1 for the first report of the period; a revision is the next.
 */
version: number, 
/**
 * SHA-256 of a photo of the ledger (台账) the figures come from.
 */
ledger_photo: string | null, note: string, 
/**
 * The plausibility warnings the reporter saw and confirmed.
 */
warnings: Array<FigureWarning>, reported_by: string, reported_at: number, 
/**
 * 营业额, in 万元 (ten thousand yuan).
 */
turnover_wan: number, 
/**
 * 服务人次: customers served.
 */
visits: number, 
/**
 * 员工数量: staff.
 */
staff: number, 
/**
 * 入驻商户数: merchants trading in the centre.
 */
merchants: number, };

export type CentreOverview = { centre: Centre, 
/**
 * The plan norms of the communities the centre serves (三(二)).
 */
norms: Array<CommunityNorms>, 
/**
 * Newest first.
 */
inspections: Array<InspectionRow>, 
/**
 * Per quarter, oldest first: the newest signed inspection's score.
 */
trend: Array<TrendPoint>, };

export type ChartData = { 
/**
 * Signed inspections of the quarter by grade, best first.
 */
grades: Array<GradeCount>, by_county: Array<CountyAverage>, 
/**
 * Every quarter of the scope, oldest first.
 */
by_quarter: Array<QuarterAverage>, };

export type CityRegions = { province: string, city: string, 
/**
 * Resident population where known (for the pilot targets).
 */
population: number | null, counties: Array<CountyRegions>, };

/**
 * One community's norms; null where a recorded figure is missing (not a fail).
 */
export type CommunityNorms = { code: string, name: string, is_new: boolean, 
/**
 * Facilities ÷ total floor area: new communities only (none for an existing one).
 */
facility_ratio: number | null, ratio_ok: boolean | null, 
/**
 * 社区综合服务设施 m² per 100 households.
 */
service_per_100_households_m2: number | null, per_100_ok: boolean | null, };

export type CountyAverage = { county: string, average: number, count: number, };

/**
 * 整改销号率: problems closed of those issued.
 */
export type CountyClosure = { county: string, issued: number, closed: number, overdue: number, 
/**
 * closed ÷ issued, to four places; None when nothing was issued.
 */
rate: number | null, };

export type CountyRank = { rank: number, county: string, average: number, inspections: number, };

export type CountyRegions = { county: string, townships: Array<string>, };

export type CountyWeakness = { county: string, 
/**
 * Its items with the highest 失分率, worst first.
 */
items: Array<ItemLoss>, };

/**
 * A built centre of the region and what it reported for the period.
 */
export type CoverageRow = { centre_code: string, centre_name: string, county: string, township: string, 
/**
 * An active operator account reports for the centre; without one the
 * county enters its figures (代填).
 */
has_operator: boolean, 
/**
 * None: the centre has not reported for the period.
 */
figures: CentreFigures | null, };

export type CreatePlan = { name: string, 
/**
 * e.g. 2026Q4
 */
quarter: string, 
/**
 * random (default) or another purpose
 */
purpose: Purpose, 
/**
 * A county of the caller's city; none: the caller's whole region.
 */
county: string | null, criteria: PlanCriteria, 
/**
 * `{"per_mille": 100}` (10%, rounded up per stratum) or `{"count": 2}` per stratum.
 */
sampling: Sampling, 
/**
 * Inspectors per task (default 2).
 */
per_task: number, 
/**
 * Published in advance if wished; none: the server picks one.
 */
seed: string | null, 
/**
 * The inspector pool with credentials and registered townships; none:
 * every active inspector of the region.
 */
pool: Array<PoolEntry>, };

export type Decision = "approve" | "return";

export type DraftCount = { version: number, count: number, };

export type DraftFailure = { doc: string, reason: string, };

/**
 * Open drafts of earlier versions of a template, in the caller's region.
 */
export type DraftMigration = { 
/**
 * The version the drafts would move (or moved) to.
 */
to: TemplateRefView, 
/**
 * Whether this version says how answers of an earlier one map.
 */
has_table: boolean, 
/**
 * Open drafts (nobody signed off) on an earlier version, by version.
 */
drafts: Array<DraftCount>, 
/**
 * Drafts moved by this request (0 for a preview).
 */
moved: number, 
/**
 * Drafts that could not be moved, with why; the rest were moved.
 */
failed: Array<DraftFailure>, };

export type Draw = { tasks: Array<Task>, strata: Array<Stratum>, };

/**
 * Fields left out stay as they are.
 */
export type EditProblem = { severity?: Severity, 
/**
 * 整改要求.
 */
action?: string, 
/**
 * YYYY-MM-DD.
 */
deadline?: string, responsible?: string, finding?: string, };

/**
 * The body of every error response.
 */
export type ErrorBody = { 
/**
 * Stable machine-readable code, e.g. `forbidden`.
 */
code: ApiErrorCode, 
/**
 * For people.
 */
message: string, };

export type Escalation = { reason: string, };

/**
 * A device whose signature a report's evidence carries.
 */
export type EvidenceSigner = { device: number, 
/**
 * The name the inspector gave the device at enrolment.
 */
name: string, username: string, 
/**
 * Revoked since (its earlier signatures were verified when they arrived).
 */
revoked: boolean, };

/**
 * A province's decision on a nomination.
 */
export type ExemplarAction = { "action": "publicize", until: string, } | { "action": "objection", text: string, } | { "action": "recognise" } | { "action": "reject", reason: string, };

export type ExemplarEvent = { at: number, by: string, 
/**
 * nominated, publicized, objection, recognised, rejected
 */
kind: string, detail: string, };

/**
 * 推荐 → 公示 → 认定, or 不予认定.
 */
export type ExemplarState = "nominated" | "publicized" | "recognised" | "rejected";

/**
 * A nomination as the dashboard lists it: whether a recognised centre is due for 复核.
 */
export type ExemplarView = { 
/**
 * Why a recognised centre should be re-evaluated, if it should.
 */
review_due: string | null, id: number, centre_code: string, centre_name: string, centre_type: string, region: Scope, state: ExemplarState, case: CaseWriteUp, basis: Basis, 
/**
 * The last day of the publicity (公示) for objections, YYYY-MM-DD.
 */
comment_until: string | null, 
/**
 * Oldest first.
 */
events: Array<ExemplarEvent>, };

export type Feedback = { 
/**
 * What the centre did (整改反馈).
 */
text: string, 
/**
 * Photos sent first to `POST /api/v1/problems/{id}/photos` (at most 20).
 */
photos?: Array<string>, };

/**
 * One of the four figures.
 */
export type Figure = "turnover" | "visits" | "staff" | "merchants";

export type FigureCheck = { warnings: Array<FigureWarning>, };

/**
 * A centre's figures for one period as the reporter sends them.
 */
export type FigureReport = { centre_code: string, 
/**
 * 统计期: a complete quarter (`2026Q3`), at most two years back.
 */
period: string, ledger_photo?: string, note?: string, 
/**
 * The reporter saw the warnings `check` gave and stands by the figures.
 */
confirmed?: boolean, 
/**
 * 营业额, in 万元 (ten thousand yuan).
 */
turnover_wan: number, 
/**
 * 服务人次: customers served.
 */
visits: number, 
/**
 * 员工数量: staff.
 */
staff: number, 
/**
 * 入驻商户数: merchants trading in the centre.
 */
merchants: number, };

/**
 * Why a figure looks wrong.
 */
export type FigureWarning = { "code": "change_over_half", figure: Figure, previous_period: string, previous: number, current: number, } | { "code": "turnover_without_staff" } | { "code": "turnover_without_visits" } | { "code": "visits_without_turnover" };

export type GradeCount = { grade: Grade, count: number, };

export type InspectionRow = { doc: DocumentId, centre_code: string, centre_name: string, centre_type: CentreType, region: Region, template: TemplateRefView, 
/**
 * Why it is made: 日常巡查, 双随机抽查, 认定核查, 专项检查 or 复查.
 */
purpose: Purpose, created_by: string, created_at: number, updated_at: number, quarter: string, change_count: number, 
/**
 * Whether it counts in statistics and as the centre's official result:
 * signed work of an assignment, or any work a supervisor approved
 * (an inspection a device started on its own needs that approval).
 */
official: boolean, status: WorkflowStatus, total: number | null, grade: Grade | null, complete: boolean, on_site: OnSiteStatus | null, vetoes: number, conflicts: number, 
/**
 * Missing or off-site photos, samples too small.
 */
evidence_problems: number, };

export type IssueNotice = { 
/**
 * Draft problems of one centre.
 */
problems: Array<number>, 
/**
 * The issuing office as printed; none: the region's commerce department.
 */
office?: string, };

/**
 * One requirement and how often it costs points (失分率 = points lost ÷
 * points possible over the inspections that scored it).
 */
export type ItemLoss = { centre_type: string, item: string, section: string, title_zh: string, title_en: string, inspections: number, max_points: number, lost_points: number, 
/**
 * 0–1, to four places.
 */
lost_rate: number, 
/**
 * Inspections the item vetoed (一票否决).
 */
vetoes: number, };

/**
 * A centre's latest signed (submitted or approved) inspection.
 */
export type LatestScore = { doc: string, quarter: string, total: number, grade: Grade, status: WorkflowStatus, };

/**
 * The rectification ledger (整改台账) of one county.
 */
export type LedgerRow = { city: string, county: string, 
/**
 * Found, not yet issued.
 */
draft: number, 
/**
 * Issued, deadline not passed.
 */
open: number, overdue: number, closed_on_time: number, closed_late: number, };

export type LoginResponse = { 
/**
 * Bearer token; browsers also get it as an HttpOnly cookie.
 */
token: string, expires_at: number, user: User, };

export type NewAssignments = { centre_code: string, 
/**
 * e.g. `2026Q4`
 */
quarter: string, 
/**
 * routine (default), random, recognition, thematic or follow_up.
 */
purpose: Purpose, 
/**
 * User names of inspectors.
 */
inspectors: Array<string>, };

export type NewFollowUp = { centre_code: string, 
/**
 * User names of the inspectors who re-check.
 */
inspectors: Array<string>, };

/**
 * A new operator account as a supervisor asks for it.
 */
export type NewOperator = { username: string, 
/**
 * The operating company or person (运营主体名称).
 */
display_name: string, password: string, 
/**
 * Codes of the centres it operates, all in one county.
 */
centres: Array<string>, };

export type Nomination = { centre_code: string, case: CaseWriteUp, };

/**
 * 整改通知书.
 */
export type Notice = { id: number, 
/**
 * e.g. 长安商整〔2026〕3号
 */
number: string, centre_code: string, centre_name: string, scope: Scope, office: string, issued_by: string, issued_on: string, issued_at: number, };

export type NoticeView = { notice: Notice, problems: Array<Problem>, };

/**
 * An operator's centre, the period now due and what it reported.
 */
export type OperatedCentre = { code: string, name: string, county: string, township: string, 
/**
 * The period now due: the last complete quarter (上一完整季度).
 */
due_period: string, 
/**
 * Newest period first, newest version first within it.
 */
history: Array<CentreFigures>, };

/**
 * A region one level down and where its report stands.
 */
export type PartStatus = { region: Scope, level: ReportLevel, latest: ReportSummary | null, 
/**
 * Its newest approved version: what a consolidation takes.
 */
accepted: number | null, 
/**
 * The version of it the region's own newest report consolidated.
 */
consolidated: number | null, deadline: string, 
/**
 * Past its deadline with nothing submitted.
 */
overdue: boolean, };

/**
 * The 2018 pilot targets (三(四)): at least 10 centres in a city of 10
 * million residents (常住人口) or more, at least 5 in a city of 5–10
 * million; evaluated when the 2018 pilot ended (2018Q4) and at the quarter shown.
 */
export type PilotRow = { city: string, 
/**
 * 常住人口
 */
population: number | null, target: number | null, 
/**
 * Built centres of every type at the quarter's end.
 */
built: number, under_construction: number, met: boolean | null, 
/**
 * Built by the end of 2018Q4, as the registry's dated statuses know it
 * (a centre with no status recorded by then is not counted).
 */
built_2018q4: number, met_2018q4: boolean | null, };

export type Plan = { id: number, name: string, quarter: string, purpose: Purpose, scope: Scope, criteria: PlanCriteria, sampling: Sampling, per_task: number, 
/**
 * Published with the plan: the draw is a function of it.
 */
seed: string, state: PlanState, pool: Array<PoolEntry>, draw: PlanDraw | null, created_by: string, created_at: number, };

/**
 * Which centres of the plan's region may be drawn.
 */
export type PlanCriteria = { 
/**
 * Centre types; empty: all.
 */
centre_types: Array<CentreType>, 
/**
 * Construction statuses; empty: built centres only.
 */
statuses: Array<CentreStatus>, 
/**
 * Leave out centres with an official inspection in the last this many
 * quarters before the plan's (0: none left out).
 */
skip_inspected_quarters: number, };

/**
 * What the draw ran on, frozen with it: anyone re-running the algorithm
 * on these and the seed gets the same tasks.
 */
export type PlanDraw = { centres: Array<Candidate>, pool: Array<PoolInspector>, 
/**
 * The pool as given, with credentials.
 */
pool_entries: Array<PoolEntry>, result: Draw, };

export type PlanEvent = { at: number, by: string, 
/**
 * drawn, replaced or confirmed
 */
kind: string, 
/**
 * What happened, for people (who replaced whom and why).
 */
detail: string, };

export type PlanState = "draft" | "drawn" | "confirmed";

export type PlanView = { plan: Plan, 
/**
 * The draw record: drawn, replaced, confirmed.
 */
events: Array<PlanEvent>, };

/**
 * A member of the inspector pool as the supervisor gives it.
 */
export type PoolEntry = { username: string, 
/**
 * 执法证/工作证 number, recorded with the draw.
 */
credential: string, 
/**
 * The township the inspector is registered in (回避), with its county.
 */
county: string, township: string, 
/**
 * Centre codes the inspector declared a conflict with.
 */
conflicts: Array<string>, };

/**
 * An inspector of the pool.
 */
export type PoolInspector = { username: string, 
/**
 * Where the inspector is registered (户籍/工作地): not sent to centres there.
 */
county: string, township: string, 
/**
 * Centres the inspector declared a conflict of interest with.
 */
conflicts: Array<string>, };

export type Problem = { id: number, 
/**
 * The inspection that found it.
 */
doc: DocumentId, key: string, centre_code: string, centre_name: string, region: Region, quarter: string, purpose: Purpose, item: string | null, title_zh: string, title_en: string, finding: string, 
/**
 * SHA-256 of the inspection's photos of the item.
 */
photos: Array<string>, severity: Severity, 
/**
 * 整改要求: what the centre must do.
 */
action: string, 
/**
 * YYYY-MM-DD (China).
 */
deadline: string, responsible: string, state: ProblemState, notice_id: number | null, 
/**
 * The notice's number (长安商整〔2026〕3号).
 */
notice_number: string | null, 
/**
 * When the centre last reported its rectification (整改反馈).
 */
feedback_at: number | null, escalated: boolean, 
/**
 * The follow-up inspection (复查) that holds it.
 */
followup_doc: DocumentId | null, closed_on: string | null, 
/**
 * The follow-up inspection whose evidence closed it.
 */
closed_doc: DocumentId | null, 
/**
 * Issued, not closed, past its deadline (as of the answer; the
 * service sets it, stores leave it false).
 */
overdue: boolean, created_at: number, updated_at: number, };

export type ProblemEvent = { at: number, by: string, 
/**
 * found, edited, issued, feedback, escalated, follow_up, rectified, not_rectified, closed
 */
kind: string, detail: string, photos: Array<string>, };

export type ProblemState = "draft" | "issued" | "closed";

export type ProblemView = { problem: Problem, 
/**
 * found, edited, issued, feedback, escalated, follow-up results, closed.
 */
events: Array<ProblemEvent>, };

/**
 * One version as the public reads it.
 */
export type PublicRecord = { plan_id: number, version: number, title: string, scope: Scope, quarter: string, purpose: Purpose, 
/**
 * The draw's seed: anyone can re-run the published draw.
 */
seed: string, rows: Array<PublicRow>, 
/**
 * Why this version corrects the one before (更正说明); empty for the first.
 */
reason: string, published_at: number, };

/**
 * A centre's result as the public sees it: no inspector, no photo, no note.
 */
export type PublicRow = { centre_code: string, centre_name: string, centre_type: CentreType, county: string, township: string, 
/**
 * None until the inspection is reviewed and approved.
 */
grade: Grade | null, 
/**
 * The date the result was approved (YYYY-MM-DD, China).
 */
approved_on: string | null, 
/**
 * Problems found that are still open, and those closed (销号).
 */
open_problems: number, closed_problems: number, };

/**
 * One version as stored: what the public reads, and who published it
 * (kept, never shown publicly).
 */
export type Publication = { published_by: string, plan_id: number, version: number, title: string, scope: Scope, quarter: string, purpose: Purpose, 
/**
 * The draw's seed: anyone can re-run the published draw.
 */
seed: string, rows: Array<PublicRow>, 
/**
 * Why this version corrects the one before (更正说明); empty for the first.
 */
reason: string, published_at: number, };

export type Publish = { 
/**
 * Required for a correction (更正说明): why this version replaces the last.
 */
reason?: string, };

export type QuarterAverage = { quarter: string, average: number, count: number, };

export type QuarterlyStats = { quarter: string, province: string, generated_at: number, attachment4: Array<Attachment4Row>, attachment5: Array<Attachment5Row>, pilot: Array<PilotRow>, };

export type RegistryRow = { centre: Centre, latest: LatestScore | null, 
/**
 * The plan norms of the communities the centre serves (三(二)).
 */
norms: Array<CommunityNorms>, };

export type Replacement = { centre_code: string, 
/**
 * The drawn inspector who cannot go.
 */
inspector: string, 
/**
 * Why (sick, a conflict found): recorded.
 */
reason: string, };

/**
 * A region's report of a quarter, and the reports below it.
 */
export type ReportBoard = { quarter: string, region: Scope, 
/**
 * None for the whole country (it reads; it does not submit).
 */
level: ReportLevel | null, deadline: string | null, overdue: boolean, 
/**
 * Every version of the region's own report, oldest first.
 */
versions: Array<ReportSummary>, 
/**
 * None: the region can submit (its first version, a resubmission or a correction).
 */
blocked: SubmitBlock | null, parts: Array<PartStatus>, 
/**
 * A region below was corrected after the region's newest version
 * consolidated it: that version needs a correction of its own.
 */
stale: boolean, 
/**
 * 报送及时率 of the region and of each region below, over the four
 * quarters ending with this one.
 */
timeliness: Array<Timeliness>, };

/**
 * What submitting now would freeze, and the regions below it still waits for.
 */
export type ReportDraft = { snapshot: ReportSnapshot, pending: Array<Scope>, };

/**
 * The heading and signatures of the official tables.
 */
export type ReportHeader = { 
/**
 * 填报单位, e.g. 石家庄市长安区商务局
 */
unit: string, 
/**
 * 填报人
 */
preparer: string, 
/**
 * 审核人: who checked the tables in the reporting office.
 */
checker: string, 
/**
 * 联系电话
 */
phone: string, };

/**
 * Who reports: a county fills its report, a city consolidates its
 * counties', a province its cities' and sends the result to the ministry.
 */
export type ReportLevel = "county" | "city" | "province";

/**
 * A report consolidated into another: which region, which version.
 */
export type ReportPart = { region: Scope, id: number, version: number, };

/**
 * What a report says, as it was when submitted.
 */
export type ReportSnapshot = { quarter: string, region: Scope, level: ReportLevel, attachment4: Array<Attachment4Row>, attachment5: Array<Attachment5Row>, 
/**
 * A city's own target, or every city's in a province's report; none in a county's.
 */
pilot: Array<PilotRow>, 
/**
 * A county's built centres without figures for the period (未报);
 * a consolidated report counts them (`built - reporting`) instead.
 */
unreported: Array<UnreportedCentre>, 
/**
 * The reports a city's or province's report consolidates, by version.
 */
parts: Array<ReportPart>, 
/**
 * Centres built by the end of 2018Q4 (the pilot's baseline), summed up the chain.
 */
built_2018q4: number, generated_at: number, };

/**
 * 已报送待审核, 审核通过, 退回修改, and for a province 已报送商务部.
 */
export type ReportStatus = "submitted" | "approved" | "returned" | "reported";

/**
 * One version as lists show it: who submitted it, when, and its review.
 */
export type ReportSummary = { id: number, quarter: string, region: Scope, level: ReportLevel, version: number, status: ReportStatus, 
/**
 * 更正说明 of a correction, or a note on a resubmission; empty for the first.
 */
reason: string, submitted_by: string, 
/**
 * The submitter's name as the account gives it (read with the version).
 */
submitted_by_name: string, submitted_at: number, reviewed_by: string | null, reviewed_by_name: string | null, reviewed_at: number | null, 
/**
 * Why it was returned (退回意见), or the reviewer's note.
 */
review_comment: string, };

/**
 * One version whole: its heading and frozen tables.
 */
export type ReportVersion = { header: ReportHeader, snapshot: ReportSnapshot, id: number, quarter: string, region: Scope, level: ReportLevel, version: number, status: ReportStatus, 
/**
 * 更正说明 of a correction, or a note on a resubmission; empty for the first.
 */
reason: string, submitted_by: string, 
/**
 * The submitter's name as the account gives it (read with the version).
 */
submitted_by_name: string, submitted_at: number, reviewed_by: string | null, reviewed_by_name: string | null, reviewed_at: number | null, 
/**
 * Why it was returned (退回意见), or the reviewer's note.
 */
review_comment: string, };

/**
 * The official report: the latest score with its full breakdown, and the
 * document as the server has it (answers, conflicts, photos, review).
 */
export type ReportView = { inspection: InspectionRow, score: ScoreRow | null, document: InspectionSnapshot, 
/**
 * The devices whose signatures the document's photos and positions
 * carry (each verified when it arrived).
 */
signers: Array<EvidenceSigner>, };

/**
 * A quarter a region has reported (上报): devices change nothing in it.
 */
export type ReportedQuarter = { quarter: string, scope: Scope, reported_by: string, reported_at: number, };

export type ReviewReport = { decision: Decision, 
/**
 * Required when returning (退回意见).
 */
comment?: string, };

export type ReviewRequest = { 
/**
 * approved, or returned (退回整改) for rework
 */
status: ReviewStatus, comment: string, 
/**
 * Comments per item id.
 */
item_comments: { [key in string]: string }, };

export type Role = "inspector" | "supervisor" | "administrator" | "operator";

/**
 * How many centres each stratum gives.
 */
export type Sampling = { "per_mille": number } | { "count": number };

/**
 * The region a user answers for. An empty level covers everything below
 * the levels given: `{province: "河北省"}` is the whole province; all
 * empty is the whole country (national administrators only).
 */
export type Scope = { province: string, city: string, county: string, };

export type ScoreRow = { id: number, 
/**
 * Hex change hashes of the document state that produced the score.
 */
heads: Array<string>, total: number, grade: Grade, reason: string, computed_at: number, report?: Report, };

export type Severity = "veto" | "serious" | "general";

export type SpotCheck = { 
/**
 * The period both describe (统计期): the quarter before the inspection's.
 */
period: string, 
/**
 * The centre's newest report of the period, if it reported.
 */
reported: CentreFigures | null, rows: Array<SpotRow>, 
/**
 * Deviations past this fraction are flagged (province setting).
 */
threshold: number, };

/**
 * One figure: reported, observed, and how far the observation is from the report.
 */
export type SpotRow = { figure: Figure, reported: number | null, observed: number | null, 
/**
 * (observed − reported) / reported; none unless both are there and the report is not zero.
 */
deviation: number | null, flagged: boolean, };

export type StoredPhoto = { sha256: string, };

/**
 * One stratum's size and its sample.
 */
export type Stratum = { county: string, centre_type: CentreType, eligible: number, drawn: number, };

/**
 * Why a region cannot submit now.
 */
export type SubmitBlock = "quarter_open" | "awaiting_review" | "parts_pending" | "no_parts" | "not_reporting";

/**
 * A region's report of a quarter, as the level that fills it asks for it.
 */
export type SubmitReport = { 
/**
 * e.g. 2026Q4 (a quarter that has ended)
 */
quarter: string, header: ReportHeader, 
/**
 * Required for a correction (更正说明) of an accepted version; a note
 * on a resubmission after a return.
 */
reason?: string, };

export type Task = { centre_code: string, county: string, centre_type: CentreType, 
/**
 * In the order they were drawn.
 */
inspectors: Array<string>, };

/**
 * `TemplateRef` as the API shows it.
 */
export type TemplateRefView = { id: string, version: number, };

/**
 * A region's timeliness over some quarters: how many reports were due,
 * how many came by their deadline, late, or not yet.
 */
export type Timeliness = { region: Scope, due: number, on_time: number, late: number, 
/**
 * Due (past its deadline) and never submitted.
 */
missing: number, 
/**
 * on_time ÷ due, to four places; None when nothing was due.
 */
rate: number | null, };

export type TrendPoint = { quarter: string, total: number, grade: Grade, };

export type UnreportedCentre = { code: string, name: string, };

export type User = { id: number, username: string, display_name: string, role: Role, scope: Scope, disabled: boolean, 
/**
 * The centres an operator reports for (centre codes); empty for staff.
 */
centres: Array<string>, };
