// DO NOT EDIT. Generated from the Rust types by crates/client/tests/ts_types.rs;
// regenerate with `XUNCHA_BLESS=1 cargo test -p xuncha-client --test ts_types`.

/**
 * The inspector's answer to one item. Text items are not answers: their
 * content is the item's notes (Automerge Text, edited together).
 */
export type Answer = { "kind": "not_applicable" } | { "kind": "yes_no", "value": boolean } | { "kind": "scale", "value": number } | { "kind": "number", "value": number } | { "kind": "choice", "value": string } | { "kind": "choices", "value": Array<string> } | { "kind": "sample", "value": { asked: number, satisfied: number, } };

/**
 * An answer with who gave it and when (ms since the Unix epoch).
 */
export type AnswerRecord = { answer: Answer, by: string, at: number, };

/**
 * How an item is answered.
 */
export type AnswerSpec = { "type": "yes_no" } | { "type": "scale", min: number, max: number, labels?: Array<I18n>, } | { "type": "number", unit?: string | null, min?: number | null, max?: number | null, } | { "type": "choice_one", options: Array<ChoiceOption>, } | { "type": "choice_many", options: Array<ChoiceOption>, } | { "type": "sample", min_asked: number, } | { "type": "respondents", min_asked: number, } | { "type": "computed", numerator: Operand, denominator?: Operand | null, scale: number, unit?: string | null, } | { "type": "text" };

export type AppError = { code: ErrorCode, message: string, };

export type AppStatus = { 
/**
 * Null until the device is enrolled (first run).
 */
me: Me | null, server_url: string | null, language: Language, platform: Platform, version: string, };

/**
 * The registered facts about a centre that scoring needs. Figures the
 * inspector measures on site are answers in the inspection, not fields here.
 */
export type Centre = { code: string, name: string, centre_type: CentreType, region: Region, lat: number, lon: number, 
/**
 * Radius of the geofence around the registered position, in metres.
 */
geofence_m: number, 
/**
 * Registered business floor area of the centre, m².
 */
floor_area_m2: number | null, 
/**
 * Total floor area of the community the centre serves, m² (plan norm: facilities ≥ 10% of it).
 */
community_floor_area_m2: number | null, households: number | null, population_served: number | null, status: CentreStatus, 
/**
 * 东中部 or 西部 when set by the county; otherwise the province decides
 * (see [`Centre::zone`]). SB/T 10393-2005 sets village shops by zone.
 */
zone?: Zone, 
/**
 * The datum the position was entered in; `lat`/`lon` are always WGS-84.
 */
datum?: Datum, };

/**
 * One assignment on the "my centres" screen.
 */
export type CentreCard = { assignment: number, quarter: string, 
/**
 * 日常巡查, 双随机抽查, 复查…
 */
purpose: Purpose, doc: DocumentId, centre_code: string, 
/**
 * Null when the centre is not in this device's catalog (sync first).
 */
centre: Centre | null, 
/**
 * Null while the inspection has not reached this device (sync first).
 */
stage: Stage | null, answered: number, items: number, 
/**
 * Edits the server has not acknowledged yet.
 */
unsynced: boolean, 
/**
 * Why the server last refused this inspection, if it did.
 */
refused: string | null, 
/**
 * From the newest position this device recorded; null without one.
 */
distance_m: number | null, 
/**
 * The provisional score, once the inspection is on this device.
 */
total: number | null, grade: Grade | null, };

export type CentreDetail = { centre: Centre, cards: Array<CentreCard>, 
/**
 * The newest inspection of this centre on the device with work recorded.
 */
last: LastInspection | null, 
/**
 * The newest official result from the server, as of the last catalog refresh.
 */
official: OfficialResult | null, };

/**
 * Construction status, the three columns of Attachment 4 (built / under construction / planned).
 */
export type CentreStatus = "planned" | "under_construction" | "built";

/**
 * The four inspectable centre types of the policy, section 二(一).
 */
export type CentreType = "community" | "block" | "township" | "village";

export type ChoiceOption = { id: string, label: I18n, 
/**
 * choice_many: points this option earns.
 */
points?: number | null, 
/**
 * choice_one: fraction (0–1) of the item's points this option earns.
 */
fraction?: number | null, 
/**
 * Choosing this option orders rectification (e.g. 一般隐患，需限期整改).
 */
rectify?: boolean, };

/**
 * Applicability: the item counts only when an earlier fact item says so
 * (`item` with exactly one of `equals` (yes_no), `includes`
 * (choice_one/choice_many) or `gte` (number)), or only for centres of one
 * zone (`zone` alone).
 */
export type Condition = { item?: string, 
/**
 * The centre's zone (东中部/西部, [`crate::Centre::zone`]).
 */
zone?: Zone, equals?: boolean | null, includes?: string | null, gte?: number | null, };

/**
 * Concurrent different answers to one item, all kept by Automerge until
 * someone chooses. `values` are in Automerge's order; the document shows
 * the winner (the snapshot's `answers` entry) until then.
 */
export type Conflict = { item: string, values: Array<AnswerRecord>, };

/**
 * The datum a position was taken in.
 */
export type Datum = "wgs84" | "gcj02" | "bd09";

export type DocIssue = { doc: DocumentId, centre_code: string, centre_name: string | null, reason: string, };

export type DocumentId = string;

export type EnrolRequest = { server_url: string, username: string, password: string, device_name: string, };

export type ErrorCode = "not_enrolled" | "offline" | "unauthorized" | "server" | "bad_input" | "invalid_answer" | "unknown_item" | "unknown_inspection" | "unknown_centre" | "missing_template" | "photo" | "storage" | "handoff" | "internal";

export type Evidence = { photo: PhotoRule, 
/**
 * Photos must carry a position inside the centre's geofence.
 */
on_site: boolean, };

export type EvidenceProblem = { item: string, kind: EvidenceProblemKind, photo: string | null, };

export type EvidenceProblemKind = "photo_missing" | "photo_not_on_site" | "photo_without_location" | "photo_not_received" | "sample_too_small";

/**
 * A device's Ed25519 signature over a piece of evidence (see `evidence`).
 */
export type EvidenceSignature = { 
/**
 * The signing device's id on the server.
 */
device: number, 
/**
 * 64 bytes, hex.
 */
signature: string, };

/**
 * One inspection exchanged.
 */
export type Exchanged = { doc: DocumentId, centre_code: string, 
/**
 * From this device's catalog.
 */
centre_name: string | null, 
/**
 * Changes of this device sent.
 */
sent: number, 
/**
 * Changes of the peer new here.
 */
received: number, 
/**
 * Why the peer's changes were not taken (nothing of them stored).
 */
refused: string | null, };

/**
 * One fix measured against the centre.
 */
export type FixCheck = { distance_m: number, 
/**
 * Direction from the fix to the centre, degrees clockwise from north.
 */
bearing_deg: number, accuracy_m: number, inside_fence: boolean, accurate_enough: boolean, source: FixSource, mock: boolean, at: number, };

/**
 * A position from the platform (GNSS, network) or typed in by hand.
 */
export type FixInput = { lat: number, lon: number, accuracy_m: number, source: FixSource, 
/**
 * What the OS says about mock locations, where it says anything.
 */
mock: boolean | null, 
/**
 * When the platform took the position (ms since the epoch), if it says;
 * otherwise the fix is dated when it is recorded.
 */
taken_at?: number, };

export type FixSource = "gnss" | "network" | "external" | "manual";

export type GpsFix = { lat: number, lon: number, accuracy_m: number, source: FixSource, at: number, 
/**
 * The platform's mock-location flag, where the OS gives one.
 */
mock: boolean | null, by: string, 
/**
 * The recording device's signature (absent from apps before signing).
 */
signature?: EvidenceSignature, };

/**
 * Grade bands of the evaluation; ordered worst to best.
 */
export type Grade = "fail" | "pass" | "good" | "excellent";

/**
 * Grade bands (优秀 / 良好 / 合格 / 不合格). The defaults are Xuncha's proposal.
 */
export type GradeBands = { excellent: number, good: number, pass: number, };

export type HandoffReport = { peer: Peer, docs: Array<Exchanged>, };

export type HandoffState = { "state": "idle" } | { "state": "waiting", link: string, address: string, code: string, until: number, } | { "state": "done", report: HandoffReport, } | { "state": "failed", reason: string, };

/**
 * A label in simplified Chinese (the product's default) and English.
 */
export type I18n = { zh: string, en: string, };

/**
 * Everything in an inspection document, read at one set of heads.
 */
export type InspectionSnapshot = { centre_code: string, template: TemplateRef, 
/**
 * `routine` when the document predates purposes.
 */
purpose: Purpose, created_by: string, created_at: number, 
/**
 * user id → display name
 */
inspectors: { [key in string]: string }, 
/**
 * The winning answer per item.
 */
answers: { [key in string]: AnswerRecord }, conflicts: Array<Conflict>, notes: string, 
/**
 * Non-empty notes per item (also the content of text items).
 */
item_notes: { [key in string]: string }, photos: { [key in string]: PhotoRecord }, gps_fixes: Array<GpsFix>, 
/**
 * user id → sign-off time
 */
sign_offs: { [key in string]: number }, review: Review | null, 
/**
 * Item id → the people asked on site, in the order recorded.
 */
respondents?: { [key in string]: Array<Respondent> }, 
/**
 * Each move of the draft to a newer template version (oldest first).
 */
migrations?: Array<MigrationRecord>, };

/**
 * The checklist screen's whole state.
 */
export type InspectionView = { doc: DocumentId, 
/**
 * The assignment's quarter, or empty for an inspection without one.
 */
quarter: string, centre: Centre, template: Template, snapshot: InspectionSnapshot, 
/**
 * The provisional score: the server's engine and inputs, on the device.
 */
report: Report, stage: Stage, unsynced: boolean, refused: string | null, 
/**
 * This device's user.
 */
me: string, signed_by_me: boolean, 
/**
 * The newest fix of this inspection, checked against the centre and its geofence.
 */
position: FixCheck | null, };

export type Item = { id: string, title: I18n, guidance?: I18n | null, 
/**
 * Where the requirement comes from: a section of 商服贸函〔2018〕157号 or
 * a named standard, in both languages. Older templates wrote one string,
 * which is read as the same text in both.
 */
source: I18n, answer: AnswerSpec, 
/**
 * Points within the section; 0 for facts that are recorded but not scored.
 */
points: number, 
/**
 * For number, computed and sample items: the score for a value.
 */
thresholds?: Array<Threshold>, na_allowed: boolean, 
/**
 * A critical (veto, 一票否决) item fails the whole inspection when its rule is hit.
 */
critical: boolean, veto?: VetoRule | null, evidence: Evidence, applies_if?: Condition | null, 
/**
 * Marks an operating figure of Attachment 5 that feeds the quarterly statistics.
 */
stat?: StatFigure | null, 
/**
 * A text item whose every line is a problem the inspector found (问题清单):
 * each becomes a rectification record when the inspection is approved.
 */
lists_problems?: boolean, 
/**
 * Photos of what an earlier inspection found (原问题照片), shown beside
 * the item so a follow-up (复查) compares before and after: SHA-256 of
 * photos the task's inspectors may read. At most [`MAX_REFERENCE_PHOTOS`].
 */
reference_photos?: Array<string>, };

/**
 * Where one old item's answer goes.
 */
export type ItemMapping = { 
/**
 * The item's new id; absent: the same id.
 */
to?: string, 
/**
 * Old answer → new option id. Keys are `yes`/`no` for a yes/no item and
 * option ids for a choice item (each chosen option of a choice_many
 * item is translated on its own; options not listed keep their id).
 */
answers?: { [key in string]: string }, };

export type ItemScore = { id: string, section: string, status: ItemStatus, points: number, max_points: number, 
/**
 * The numeric value scored, where the item has one (computed ratios, samples…).
 */
value: number | null, problem: string | null, };

export type ItemStatus = "passed" | "partial" | "failed" | "recorded" | "not_applicable" | "skipped" | "unanswered" | "invalid";

export type Language = "zh-CN" | "en";

export type LastInspection = { doc: DocumentId, stage: Stage, total: number, grade: Grade, started_at: number, };

export type LocationRule = { 
/**
 * A fix counts as on site only when its accuracy is at least this good, in metres.
 */
required_accuracy_m: number, };

export type Me = { username: string, display_name: string, };

/**
 * One move of the draft to a newer template version, as recorded.
 */
export type MigrationRecord = { from_version: number, to_version: number, by: string, at: number, 
/**
 * Old item id → the item its answer moved to.
 */
moved: { [key in string]: string }, 
/**
 * Answers no item of the new version takes, kept as history.
 */
removed: { [key in string]: AnswerRecord }, 
/**
 * Items new in this version, unanswered when the draft moved.
 */
added: Array<string>, 
/**
 * Answers a device wrote on the old version after the move whose new
 * item already had a different answer: kept here for the supervisor
 * to see and settle, not applied.
 */
conflicting: { [key in string]: AnswerRecord }, };

/**
 * The `[migration]` table of a template version.
 */
export type MigrationTable = { 
/**
 * The version whose drafts this table moves (the one before, usually).
 */
from_version: number, 
/**
 * Old item id → where its answer goes.
 */
items: { [key in string]: ItemMapping }, };

/**
 * The centre's newest signed inspection as the server scored it (official),
 * whoever did it: what the centre stood at last time.
 */
export type OfficialResult = { quarter: string, total: number, grade: Grade, 
/**
 * submitted or approved
 */
status: WorkflowStatus, };

/**
 * The report's on-site verdict. Not verified means flagged for the
 * supervisor, never blocked: external receivers look like mock locations.
 */
export type OnSite = { status: OnSiteStatus, verified: boolean, 
/**
 * The fix that verified, or else the closest valid one.
 */
best: FixCheck | null, 
/**
 * The verifying fix was reported as a mock location by the OS.
 */
mock_location: boolean, };

export type OnSiteStatus = "verified" | "no_fix" | "only_manual" | "inaccurate" | "outside_fence" | "centre_without_position";

/**
 * An input of a computed item: `item:<id>` (a number answer) or `centre:<field>`.
 */
export type Operand = string;

/**
 * Who the other device is, as its certificate says.
 */
export type Peer = { username: string, display_name: string, device: number, };

/**
 * A photo as the document records it; the bytes travel separately, by hash.
 */
export type PhotoRecord = { sha256: string, bytes: number, mime: string, width: number, height: number, item_id: string | null, 
/**
 * The hash of the device's thumbnail, uploaded before the photo so a
 * supervisor can triage over a slow link.
 */
thumbnail: string | null, taken_at: number, gps: GpsFix | null, by: string, 
/**
 * The recording device's signature (absent from apps before signing).
 */
signature?: EvidenceSignature, };

export type PhotoRule = "none" | "optional" | "required";

export type PhotoSync = { sha256: string, uploaded: number, size: number, 
/**
 * Why the server refused it for good.
 */
failed: string | null, };

export type Platform = "desktop" | "mobile";

/**
 * Why an inspection is made. Fixed when it is created; a centre may have
 * one inspection per purpose and quarter (co-inspectors of one task share
 * it), and more than one follow-up.
 */
export type Purpose = "routine" | "random" | "recognition" | "thematic" | "follow_up";

/**
 * Days from the approval of an inspection to the deadline of a problem it
 * found, per severity. Xuncha's defaults: a veto item 7 days, a serious
 * problem (a critical item failed) 15, any other 30; a province's variant
 * may set its own.
 */
export type RectifyDeadlines = { veto: number, serious: number, general: number, };

/**
 * Administrative location of a centre, by name or code at each level.
 */
export type Region = { province: string, city: string, county: string, township: string, };

export type Report = { template: TemplateRef, centre_code: string, 
/**
 * The base score (基本分, 0–100) plus the bonus, rounded to two decimals.
 */
total: number, 
/**
 * 基本分: the requirements' score, 0–100 (0 in reports stored before
 * bonus sections existed, whose total is all base).
 */
base_total: number, 
/**
 * 加分: points the bonus sections add, each at most its cap.
 */
bonus: number, grade: Grade, 
/**
 * Every applicable item (text excepted) is answered.
 */
complete: boolean, sections: Array<SectionScore>, items: Array<ItemScore>, vetoes: Array<VetoHit>, evidence_problems: Array<EvidenceProblem>, unanswered: Array<string>, 
/**
 * Items with concurrent different answers still open.
 */
conflicts: Array<string>, on_site: OnSite, 
/**
 * Operating figures of Attachment 5 recorded in this inspection.
 */
figures: { [key in StatFigure]?: number }, };

/**
 * One person asked on site (现场随访). The phone number, given only with
 * consent, is for a supervisor's 回访 (follow-up call): the server shows it
 * to supervisors and administrators only.
 */
export type Respondent = { at: number, satisfied: boolean, 
/**
 * 意见建议, as the respondent put it.
 */
opinion?: string, phone?: string, by: string, };

/**
 * One person asked on site, as the inspector enters it.
 */
export type RespondentInput = { satisfied: boolean, opinion: string | null, 
/**
 * Only with the respondent's consent, for a supervisor's 回访.
 */
phone: string | null, };

/**
 * The current review and every earlier decision.
 */
export type Review = { current: ReviewEntry, history: Array<ReviewEntry>, };

/**
 * One supervisor decision, written into the document by the server's actor.
 */
export type ReviewEntry = { status: ReviewStatus, by: string, at: number, comment: string, item_comments: { [key in string]: string }, 
/**
 * The sign-offs (user id → time) this decision is about. A sign-off the
 * decision did not see means the inspectors submitted again after it.
 * Empty in documents written before it existed.
 */
reviewed_sign_offs: { [key in string]: number }, };

export type ReviewStatus = "approved" | "returned";

export type Section = { id: string, title: I18n, 
/**
 * Share of the total score; the weights of a template add up to 100.
 * A bonus section has none: it adds points outside the 100.
 */
weight: number, 
/**
 * 基本分 (scored within the 100) or 加分项 (added on top, capped).
 */
kind?: SectionKind, 
/**
 * For a bonus section: the most points it adds to the total.
 */
cap?: number, items: Array<Item>, };

/**
 * How a section counts. Chinese evaluation tables separate 基本分 (the
 * requirements, out of 100) from 加分项 (encouraged practice, added on top
 * up to a cap), so an encouraged practice that is absent costs nothing.
 */
export type SectionKind = "scored" | "bonus";

export type SectionScore = { id: string, weight: number, earned: number, possible: number, 
/**
 * False when every item is N/A or skipped: the section leaves the total.
 */
counted: boolean, 
/**
 * This section's contribution to the total (0–100 scale; for a bonus
 * section the points it adds, at most its cap).
 */
score: number, 
/**
 * A bonus section (加分项), outside the 100.
 */
bonus: boolean, };

/**
 * Where an inspection stands, in the inspector's words.
 */
export type Stage = "not_started" | "draft" | "signed" | "synced" | "returned" | "approved";

/**
 * The operating figures of Attachment 5 (营业额、服务人次、员工数量 …).
 */
export type StatFigure = "turnover10k_yuan" | "service_visits" | "staff" | "tenants";

export type SyncPanel = { state: SyncState, 
/**
 * Inspections with edits the server has not acknowledged.
 */
pending_documents: number, 
/**
 * Photos still to upload or refused for good.
 */
photos: Array<PhotoSync>, last_success: number | null, refused: Array<DocIssue>, server_url: string | null, };

/**
 * The overall state the app shows.
 */
export type SyncState = { "state": "idle" } | { "state": "syncing", documents: number, photos: number, photos_left: number, } | { "state": "up_to_date", at: number, } | { "state": "offline", reason: string, retry_in_ms: number, } | { "state": "error", reason: string, };

/**
 * A resolved evaluation template: what scoring and the checklist use.
 */
export type Template = { format: number, id: string, version: number, centre_type: CentreType, title: I18n, 
/**
 * Says where the weights come from; the defaults are Xuncha's own proposal.
 */
weights_note: I18n, 
/**
 * For a resolved provincial variant: the template it was derived from.
 */
base?: TemplateRef | null, 
/**
 * For a provincial variant: the province it applies to.
 */
province?: string | null, grades: GradeBands, location: LocationRule, 
/**
 * The purposes this template serves (a 认定核查 variant, say); empty:
 * every purpose but follow-up. A follow-up template (复查) is made by the
 * server for one task from the problems it re-checks.
 */
purposes?: Array<Purpose>, 
/**
 * Days a centre is given to rectify a problem, per severity (整改期限).
 */
deadlines?: RectifyDeadlines, 
/**
 * How open drafts of an earlier version move to this one.
 */
migration?: MigrationTable, sections: Array<Section>, };

/**
 * Names one version of one template; recorded in every inspection document.
 */
export type TemplateRef = { id: string, version: number, };

/**
 * A value band: `gte` and/or `lte` bound it; the best matching band gives
 * the fraction of the item's points earned.
 */
export type Threshold = { gte?: number | null, lte?: number | null, fraction: number, };

export type VetoHit = { item: string, rule: string, };

/**
 * When a critical item fails the inspection. Exactly one field is set, and
 * it must fit the item's answer type.
 */
export type VetoRule = { 
/**
 * yes_no: the answer that vetoes ("no" or "yes").
 */
answer?: YesNo | null, 
/**
 * number, computed, sample: a value below this vetoes.
 */
below?: number | null, 
/**
 * number, computed: a value above this vetoes.
 */
above?: number | null, 
/**
 * choice_one: choosing one of these options vetoes.
 */
options?: Array<string> | null, 
/**
 * choice_many: selecting fewer options than this vetoes.
 */
fewer_than?: number | null, };

/**
 * Where an inspection stands: 草稿 draft, 已提交 submitted, 退回整改
 * returned, 已通过 approved.
 */
export type WorkflowStatus = "draft" | "submitted" | "returned" | "approved";

export type YesNo = "yes" | "no";

/**
 * The two zones of the national rural shop standard (SB/T 10393-2005
 * 《农家店建设与改造规范》): 东中部 (eastern and central) and 西部 (western).
 */
export type Zone = "east_central" | "west";
