// DRAFT written by hand; replaced by ts-rs output of the server's types (same shapes) soon.
import type { CentreStatus, CentreType, Grade, InspectionSnapshot, Region, Report, Centre } from './types.gen';

export type Role = 'inspector' | 'supervisor' | 'administrator';
export type Scope = { province: string; city: string; county: string };
export type User = { id: number; username: string; display_name: string; role: Role; scope: Scope; disabled: boolean };
/// GET /api/v1/me → User
/// POST /api/v1/login {username, password} → LoginResponse (and an HttpOnly session cookie)
export type LoginResponse = { token: string; expires_at: number; user: User };

export type TemplateRefView = { id: string; version: number };
export type InspectionRow = {
  doc: string; centre_code: string; centre_name: string; centre_type: CentreType; region: Region;
  template: TemplateRefView; created_by: string; created_at: number; updated_at: number; quarter: string;
  change_count: number;
  /// draft | submitted | returned | approved
  status: string; total: number | null; grade: Grade | null; complete: boolean;
  /// OnSiteStatus as text: verified | no_fix | only_manual | inaccurate | outside_fence | centre_without_position
  on_site: string | null; vetoes: number; conflicts: number; evidence_problems: number;
};
export type Page<T> = { items: T[]; total: number; page: number; per_page: number };
export type ScoreRow = { id: number; heads: string[]; total: number; grade: Grade; reason: string; computed_at: number; report?: Report | null };
/// GET /api/v1/inspections/{doc}/report
export type ReportView = { inspection: InspectionRow; score: ScoreRow | null; document: InspectionSnapshot };
/// POST /api/v1/inspections/{doc}/review → InspectionRow
export type ReviewRequest = { status: 'approved' | 'returned'; comment: string; item_comments: { [item: string]: string } };

/// Plan norms of community centres (policy 二(一)1): facility area ≥ 10% of the
/// community's total floor area; ≥ 30 m² per 100 households. null when a figure is missing.
export type PlanNorms = {
  facility_ratio: number | null; ratio_ok: boolean | null;
  per_100_households_m2: number | null; per_100_ok: boolean | null;
};
export type LatestScore = { doc: string; quarter: string; total: number; grade: Grade; status: string };
/// GET /api/v1/registry?type=&status=&q=&city=&county=&page=&per_page= → Page<RegistryRow>
export type RegistryRow = { centre: Centre; latest: LatestScore | null; norms: PlanNorms | null };
export type TrendPoint = { quarter: string; total: number; grade: Grade };
/// GET /api/v1/centres/{code}/overview
export type CentreOverview = { centre: Centre; norms: PlanNorms | null; inspections: InspectionRow[]; trend: TrendPoint[] };

/// GET /api/v1/regions → the region tree within the caller's scope (from the registry),
/// with city populations where known.
export type CityRegions = { province: string; city: string; population: number | null; counties: { county: string; townships: string[] }[] };

export type Attachment4Row = { city: string; centre_type: CentreType; built: number; under_construction: number; planned: number };
export type Attachment5Row = {
  city: string; centre_type: CentreType;
  /// built centres of this city and type / those with a signed inspection in the quarter
  built: number; reporting: number;
  turnover_10k_yuan: number; service_visits: number; staff: number; tenants: number;
};
export type PilotRow = {
  city: string; population: number | null;
  /// 10 for cities over 10 million residents, 5 for 5–10 million, null otherwise (2018 pilot targets)
  target: number | null; built: number; met: boolean | null;
};
/// GET /api/v1/stats/quarterly?quarter=2026Q4&province=河北省
/// downloads: /api/v1/stats/quarterly.xlsx?… (sheets 附件4, 附件5, 试点目标),
///            /api/v1/stats/attachment4.csv?…, /api/v1/stats/attachment5.csv?…
export type QuarterlyStats = {
  quarter: string; province: string; generated_at: number;
  attachment4: Attachment4Row[]; attachment5: Attachment5Row[]; pilot: PilotRow[];
};
/// GET /api/v1/stats/charts?quarter=&province=
export type ChartData = {
  grades: { grade: Grade; count: number }[];
  by_county: { county: string; average: number; count: number }[];
  by_quarter: { quarter: string; average: number; count: number }[];
};
