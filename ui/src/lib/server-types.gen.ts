// DO NOT EDIT. Generated from the Rust types by server/tests/ts_types.rs;
// regenerate with `XUNCHA_BLESS=1 cargo test -p xuncha-server --test ts_types`.
import type { Centre, CentreType, DocumentId, Grade, InspectionSnapshot, OnSiteStatus, Purpose, Region, Report, ReviewStatus, TemplateRef, WorkflowStatus } from './types.gen';

/** A page of a list: `items` of `total`, `per_page` per page. */
export type Page<T> = { items: Array<T>, total: number, page: number, per_page: number, };

/**
 * Every code an error response carries, stable across versions. The
 * dashboard's TypeScript type is generated from it (server/tests/ts_types.rs).
 */
export type ApiErrorCode = "bad_request" | "unauthorized" | "forbidden" | "not_found" | "method_not_allowed" | "conflict" | "payload_too_large" | "unsupported_media_type" | "invalid" | "not_signed" | "cross_site" | "too_many_requests" | "busy" | "internal";

/**
 * Attachment 4: centres built, under construction and planned.
 */
export type Attachment4Row = { city: string, centre_type: CentreType, built: number, under_construction: number, planned: number, };

/**
 * Attachment 5: operations of built centres, from the quarter's signed inspections.
 */
export type Attachment5Row = { city: string, centre_type: CentreType, 
/**
 * Built centres of this city and type.
 */
built: number, 
/**
 * Of those, the ones with a signed inspection in the quarter that recorded figures.
 */
reporting: number, 
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

export type CentreOverview = { centre: Centre, norms: PlanNorms | null, 
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

export type CountyAverage = { county: string, average: number, count: number, };

export type CountyRegions = { county: string, townships: Array<string>, };

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

/**
 * A centre's latest signed (submitted or approved) inspection.
 */
export type LatestScore = { doc: string, quarter: string, total: number, grade: Grade, status: WorkflowStatus, };

export type LoginResponse = { 
/**
 * Bearer token; browsers also get it as an HttpOnly cookie.
 */
token: string, expires_at: number, user: User, };

/**
 * The 2018 pilot targets: at least 10 centres in a city over 10 million
 * residents, at least 5 in a city of 5–10 million.
 */
export type PilotRow = { city: string, population: number | null, target: number | null, 
/**
 * Built centres of every type.
 */
built: number, met: boolean | null, };

/**
 * Plan norms of a community centre (policy 二(一)1): facilities at least
 * 10% of the community's total floor area, and at least 30 m² per 100
 * households. Null where a registered figure is missing.
 */
export type PlanNorms = { facility_ratio: number | null, ratio_ok: boolean | null, per_100_households_m2: number | null, per_100_ok: boolean | null, };

export type QuarterAverage = { quarter: string, average: number, count: number, };

export type QuarterlyStats = { quarter: string, province: string, generated_at: number, attachment4: Array<Attachment4Row>, attachment5: Array<Attachment5Row>, pilot: Array<PilotRow>, };

export type RegistryRow = { centre: Centre, latest: LatestScore | null, 
/**
 * Community centres only.
 */
norms: PlanNorms | null, };

/**
 * The official report: the latest score with its full breakdown, and the
 * document as the server has it (answers, conflicts, photos, review).
 */
export type ReportView = { inspection: InspectionRow, score: ScoreRow | null, document: InspectionSnapshot, };

/**
 * A quarter a region has reported (上报): devices change nothing in it.
 */
export type ReportedQuarter = { quarter: string, scope: Scope, reported_by: string, reported_at: number, };

export type ReviewRequest = { 
/**
 * approved, or returned (退回整改) for rework
 */
status: ReviewStatus, comment: string, 
/**
 * Comments per item id.
 */
item_comments: { [key in string]: string }, };

export type Role = "inspector" | "supervisor" | "administrator";

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

/**
 * `TemplateRef` as the API shows it.
 */
export type TemplateRefView = { id: string, version: number, };

export type TrendPoint = { quarter: string, total: number, grade: Grade, };

export type User = { id: number, username: string, display_name: string, role: Role, scope: Scope, disabled: boolean, };
