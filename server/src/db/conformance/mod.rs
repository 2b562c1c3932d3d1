//! The storage conformance suite: what every backend of [`Store`] must do,
//! written once against the traits. A backend runs every case of [`CASES`]
//! on a fresh, empty, migrated store (the SQLite backend in
//! `db::sqlite::tests`; PostgreSQL will run the same list). A case
//! returns `Err` with what went wrong rather than panicking, so the suite
//! is ordinary library code.

pub(crate) mod analysis;
mod exemplars;
mod registry;
mod reports;
mod stats;

use super::Store;
use crate::accounts::store::{NewDevice, NewUser, Role, Scope, User};
use crate::inspections::store::{DocMeta, DocSummary, DocWrite};
use crate::operators::store::{FigureValues, FigureWarning, NewFigures};
use crate::photos::store::BlobRow;
use crate::plans::store::{NewPlan, PlanCriteria, PlanEvent, PlanState};
use crate::problems::store::{
    Due, NewNotice, NewProblem, ProblemChange, ProblemEvent, ProblemFilter, ProblemSource, ProblemState,
};
use crate::publication::store::{NewPublication, PublicRow};
use crate::stats::store::ReportedQuarter;
use crate::storage::PageReq;
use crate::storage::StoreError;
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ROOT};
use xuncha_core::template::TemplateRef;
use xuncha_core::{CentreStatus, DocumentId};

type Case = fn(&dyn Store) -> Result<(), String>;

/// Every case, by name.
pub const CASES: [(&str, Case); 18] = [
    ("users are unique and found by name", users),
    ("tokens of revoked devices and ended sessions open nothing", devices_and_sessions),
    ("a password reset ends sessions and, when asked, revokes devices", password_reset),
    ("documents are stored whole and the change feed only moves forward", documents_and_feed),
    ("a photo is read through the inspections it is granted to", photo_grants),
    ("a reported quarter covers the centres of its region", reported_quarters),
    ("remembered browsers are the newest twenty per user", known_clients),
    ("a plan moves on once per state and its record only grows", plans),
    ("problems are recorded once, issued once, closed once; the ledger counts them", problems),
    ("publications are numbered versions; the index shows each plan's newest", publications),
    ("an operator account keeps its centres", operator_accounts),
    ("figures are versions per centre and period; coverage shows each built centre's newest", figures),
    ("reports are numbered versions, reviewed once while newest, read by region", reports::report_versions),
    ("communities are read by the centre serving them", registry::communities),
    ("quarterly tables count each centre as the period ended, its own figures first", stats::attachments),
    ("charts group the newest official, scored inspection per centre and quarter", stats::charts),
    ("each scored item of official work is summed per county and centre type", analysis::item_losses),
    ("a model centre moves once per state and keeps its record", exemplars::exemplars),
];

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what.to_owned()) }
}

fn err(e: StoreError) -> String {
    e.to_string()
}

fn county(c: &str) -> Scope {
    Scope { province: "河北省".into(), city: "石家庄市".into(), county: c.into() }
}

fn user(store: &dyn Store, name: &str) -> Result<User, String> {
    let u = NewUser {
        username: name.into(),
        display_name: name.into(),
        role: Role::Inspector,
        scope: county("长安区"),
        centres: Vec::new(),
        password_hash: "$argon2id$not-a-real-hash".into(),
    };
    store.create_user(u, 1).map_err(err)
}

fn users(store: &dyn Store) -> Result<(), String> {
    let wang = user(store, "wang")?;
    check(matches!(user(store, "wang").err(), Some(e) if e.contains("exists")), "a second `wang` is refused")?;
    let (found, hash) = store.user_by_name("wang").map_err(err)?.ok_or("wang is found")?;
    check(found.id == wang.id && hash.starts_with("$argon2id$"), "wang with his hash")?;
    check(store.user_by_name("nobody").map_err(err)?.is_none(), "nobody is not found")?;
    check(store.set_user_disabled("wang", true).map_err(err)?, "wang is disabled")?;
    let listed = store.list_users(&county("长安区")).map_err(err)?;
    check(listed.len() == 1 && listed.first().is_some_and(|u| u.disabled), "listed, disabled, in his county")?;
    check(store.list_users(&county("桥西区")).map_err(err)?.is_empty(), "not in another county")
}

fn devices_and_sessions(store: &dyn Store) -> Result<(), String> {
    let wang = user(store, "wang")?;
    let device = store.create_device(phone(wang.id, &[1; 32], None, &[ActorId::random()]), 1).map_err(err)?;
    let (found, owner) = store.device_by_token(&[1; 32]).map_err(err)?.ok_or("the device by its token")?;
    check(found.id == device.id && owner.id == wang.id && found.actors == device.actors, "device, owner, actors")?;
    check(store.revoke_device(device.id, 2).map_err(err)?, "revoked")?;
    check(store.device_by_token(&[1; 32]).map_err(err)?.is_none(), "a revoked device's token opens nothing")?;
    for (i, token) in [[2u8; 32], [3; 32], [4; 32]].iter().enumerate() {
        store.create_device(phone(wang.id, token, Some(&[7; 32]), &[ActorId::random()]), 10 + i as i64).map_err(err)?;
    }
    let devices = store.devices_of(wang.id).map_err(err)?;
    check(devices.len() == 4 && devices.iter().filter(|d| d.revoked).count() == 1, "four devices, one revoked")?;
    check(
        devices.iter().map(|d| d.public_key).collect::<Vec<_>>() == [None, Some([7; 32]), Some([7; 32]), Some([7; 32])],
        "each device keeps the evidence key it enrolled with, or none",
    )?;
    let (owned, owner) = store.device_with_owner(device.id).map_err(err)?.ok_or("the device with its owner")?;
    check(owned.revoked && owner == "wang", "a revoked device is still found, with its owner")?;
    let key = store.server_signing_key(&[5; 32], 1).map_err(err)?;
    check(key == [5; 32] && store.server_signing_key(&[6; 32], 2).map_err(err)? == key, "the server key is made once")?;
    store.create_session(wang.id, &[9; 32], 100).map_err(err)?;
    check(store.session_user(&[9; 32], 99).map_err(err)?.is_some(), "a session before it expires")?;
    check(store.session_user(&[9; 32], 100).map_err(err)?.is_none(), "none once it expires")?;
    store.delete_session(&[9; 32]).map_err(err)?;
    check(store.session_user(&[9; 32], 0).map_err(err)?.is_none(), "none once deleted")
}

/// A phone of `user_id` with `token`, its actors and, when given, an evidence key.
fn phone<'a>(
    user_id: i64,
    token: &'a [u8; 32],
    public_key: Option<&'a [u8; 32]>,
    actors: &'a [ActorId],
) -> NewDevice<'a> {
    NewDevice { user_id, name: "phone", token_hash: token, actors, public_key }
}

fn password_reset(store: &dyn Store) -> Result<(), String> {
    let wang = user(store, "wang")?;
    store.create_device(phone(wang.id, &[1; 32], None, &[ActorId::random()]), 1).map_err(err)?;
    store.create_session(wang.id, &[9; 32], i64::MAX).map_err(err)?;
    check(store.set_password("wang", "$argon2id$new", false).map_err(err)?, "reset, devices kept")?;
    check(store.session_user(&[9; 32], 0).map_err(err)?.is_none(), "the session ended")?;
    check(store.device_by_token(&[1; 32]).map_err(err)?.is_some(), "the device kept")?;
    check(store.set_password("wang", "$argon2id$newer", true).map_err(err)?, "reset, devices revoked")?;
    check(store.device_by_token(&[1; 32]).map_err(err)?.is_none(), "the device revoked")?;
    check(!store.set_password("nobody", "x", true).map_err(err)?, "no such user")
}

pub(crate) fn centre(store: &dyn Store, code: &str, county_name: &str) -> Result<(), String> {
    store.upsert_centres(&[village(code, "石家庄市", county_name, CentreStatus::Built)], 1).map(|_| ()).map_err(err)
}

/// A village station of 河北省 in `city` and `county`.
pub(crate) fn village(code: &str, city: &str, county: &str, status: CentreStatus) -> xuncha_core::Centre {
    xuncha_core::Centre {
        code: code.into(),
        name: code.into(),
        centre_type: xuncha_core::CentreType::Village,
        region: xuncha_core::Region {
            province: "河北省".into(),
            city: city.into(),
            county: county.into(),
            township: "镇".into(),
        },
        lat: 38.0,
        lon: 114.5,
        geofence_m: 150.0,
        floor_area_m2: None,
        community_floor_area_m2: None,
        households: None,
        population_served: None,
        status,
        zone: None,
        datum: Default::default(),
    }
}

/// A new document's write: one change, made by a fresh actor.
pub(crate) fn new_doc(code: &str, members: &[&str], photos: &[&str]) -> (DocumentId, DocWrite) {
    let mut am = AutoCommit::new().with_actor(ActorId::random());
    let _ = am.put(ROOT, "centre", code);
    am.commit();
    let doc = DocumentId::random();
    let meta = DocMeta {
        doc,
        centre_code: code.into(),
        template: TemplateRef { id: "village".into(), version: 1 },
        purpose: Default::default(),
        created_by: members.first().map_or("", |m| *m).into(),
        created_at: 1,
        quarter: "2026Q4".into(),
    };
    let summary = DocSummary {
        status: xuncha_core::document::WorkflowStatus::Draft,
        total: None,
        grade: None,
        complete: false,
        on_site: None,
        vetoes: 0,
        conflicts: 0,
        evidence_problems: 0,
        figures: Default::default(),
    };
    let changes = am.get_changes(&[]).into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect();
    let write = DocWrite {
        meta,
        is_new: true,
        base_heads: Vec::new(),
        new_changes: changes,
        heads: am.get_heads(),
        compacted: Some(am.save()),
        summary,
        score: None,
        members: members.iter().map(|m| (*m).to_owned()).collect(),
        photos: photos.iter().map(|p| (*p).to_owned()).collect(),
    };
    (doc, write)
}

fn documents_and_feed(store: &dyn Store) -> Result<(), String> {
    centre(store, "V1", "长安区")?;
    let start = store.current_seq().map_err(err)?;
    let (a, write_a) = new_doc("V1", &["wang"], &[]);
    store.commit_round(vec![write_a], None, 1).map_err(err)?;
    let stored = store.load_doc(&a).map_err(err)?.ok_or("the document is stored")?;
    check(stored.meta.centre_code == "V1" && !stored.snapshot.is_empty(), "its meta and snapshot")?;
    check(store.is_member(&a, "wang").map_err(err)? && !store.is_member(&a, "li").map_err(err)?, "members")?;
    let seen = store.changed_since("wang", start, 50).map_err(err)?;
    let first = seen.docs.iter().find(|(d, _)| *d == a).map(|(_, s)| *s).ok_or("offered to its member")?;
    check(first > start && seen.seq >= first, "the sequence moved forward")?;
    check(store.changed_since("li", start, 50).map_err(err)?.docs.is_empty(), "nothing for a non-member")?;
    // The ordering contract: what commits after a read has a larger
    // sequence than anything that read saw, so a cursor never skips it.
    let (b, write_b) = new_doc("V1", &["wang"], &[]);
    store.commit_round(vec![write_b], None, 2).map_err(err)?;
    let later = store.changed_since("wang", seen.seq, 50).map_err(err)?;
    check(later.docs.iter().map(|(d, _)| *d).eq([b]), "after the cursor: only the later document")?;
    check(later.docs.iter().all(|(_, s)| *s > seen.seq), "with a larger sequence")?;
    check(store.changed_since("wang", later.seq, 50).map_err(err)?.docs.is_empty(), "nothing past the end")
}

fn photo_grants(store: &dyn Store) -> Result<(), String> {
    centre(store, "V1", "长安区")?;
    let (a, write_a) = new_doc("V1", &["wang"], &["p1"]);
    let (b, write_b) = new_doc("V1", &["zhao"], &["p1"]);
    store.commit_round(vec![write_a, write_b], None, 1).map_err(err)?;
    let mut referencing = store.docs_referencing("p1").map_err(err)?;
    referencing.sort();
    let mut both = vec![a, b];
    both.sort();
    check(referencing == both, "both documents name the photo")?;
    let row = BlobRow {
        sha256: "p1".into(),
        bytes: 3,
        mime: "image/jpeg".into(),
        width: 1,
        height: 1,
        uploaded_by: "wang".into(),
        created_at: 1,
    };
    store.insert_blob(&row, &[a]).map_err(err)?;
    check(store.docs_granted("p1").map_err(err)? == vec![a], "granted to the uploader's inspection only")?;
    check(!store.received(&a, &["p1".into()]).map_err(err)?.is_empty(), "received for it")?;
    check(store.received(&b, &["p1".into()]).map_err(err)?.is_empty(), "not for the one that only names it")?;
    store.insert_blob(&row, &[a]).map_err(err)?;
    store.grant_blob("p1", &[b]).map_err(err)?;
    check(store.docs_granted("p1").map_err(err)?.len() == 2, "a later grant adds; a repeat changes nothing")
}

fn reported_quarters(store: &dyn Store) -> Result<(), String> {
    centre(store, "V1", "长安区")?;
    centre(store, "V2", "桥西区")?;
    let row = ReportedQuarter {
        quarter: "2026Q4".into(),
        scope: county("长安区"),
        reported_by: "sup".into(),
        reported_at: 1,
    };
    check(store.mark_reported(&row).map_err(err)?, "reported")?;
    check(!store.mark_reported(&row).map_err(err)?, "reported once")?;
    check(store.quarter_reported("V1", "2026Q4").map_err(err)?, "its county's centre")?;
    check(!store.quarter_reported("V2", "2026Q4").map_err(err)?, "not another county's")?;
    check(!store.quarter_reported("V1", "2026Q3").map_err(err)?, "not another quarter")?;
    let province = Scope { province: "河北省".into(), ..Scope::default() };
    check(store.reported_quarters(&province).map_err(err)?.len() == 1, "seen from the province")?;
    check(store.reported_quarters(&county("桥西区")).map_err(err)?.is_empty(), "not from another county")?;
    // A province's report covers every county in it; the whole country's, every centre.
    let whole_province = ReportedQuarter { quarter: "2026Q3".into(), scope: province, ..row.clone() };
    check(store.mark_reported(&whole_province).map_err(err)?, "the province reported")?;
    check(store.quarter_reported("V2", "2026Q3").map_err(err)?, "a centre of the reported province")?;
    check(!store.quarter_reported("V2", "2026Q2").map_err(err)?, "not before the province reported it")?;
    let nation = ReportedQuarter { quarter: "2026Q2".into(), scope: Scope::default(), ..row };
    check(store.mark_reported(&nation).map_err(err)?, "the country reported")?;
    check(store.quarter_reported("V1", "2026Q2").map_err(err)?, "every centre once the country reported")
}

fn known_clients(store: &dyn Store) -> Result<(), String> {
    let wang = user(store, "wang")?;
    for i in 0..25u8 {
        store.remember_client(wang.id, &[i; 32], i64::from(i)).map_err(err)?;
    }
    check(store.known_client(&[24; 32]).map_err(err)? == Some(wang.id), "the newest is known")?;
    check(store.known_client(&[0; 32]).map_err(err)?.is_none(), "the oldest are forgotten")?;
    check(store.known_client(&[99; 32]).map_err(err)?.is_none(), "a stranger is not known")
}

fn plans(store: &dyn Store) -> Result<(), String> {
    let new = NewPlan {
        name: "抽查".into(),
        quarter: "2026Q4".into(),
        purpose: xuncha_core::document::Purpose::Random,
        scope: county("长安区"),
        criteria: PlanCriteria::default(),
        sampling: xuncha_core::draw::Sampling::Count(1),
        per_task: 2,
        seed: "s".into(),
        pool: Vec::new(),
        created_by: "sup".into(),
    };
    let plan = store.create_plan(&new, 1).map_err(err)?;
    check(plan.state == PlanState::Draft && plan.draw.is_none() && plan.seed == "s", "a new plan is a draft")?;
    let event = |kind: &str| PlanEvent { at: 2, by: "sup".into(), kind: kind.into(), detail: String::new() };
    let drawn = store.advance_plan(plan.id, PlanState::Draft, PlanState::Drawn, None, &event("drawn")).map_err(err)?;
    let twice = store.advance_plan(plan.id, PlanState::Draft, PlanState::Drawn, None, &event("drawn")).map_err(err)?;
    check(drawn && !twice, "only one of two racing draws moves the plan")?;
    let kinds: Vec<String> = store.plan_events(plan.id).map_err(err)?.into_iter().map(|e| e.kind).collect();
    check(kinds == ["drawn"], "a refused move records nothing")?;
    check(store.plans(&county("桥西区")).map_err(err)?.is_empty(), "another county's plans are not listed")?;
    let city = Scope { county: String::new(), ..county("") };
    check(store.plans(&city).map_err(err)?.len() == 1, "a city lists its counties' plans")?;
    let elsewhere = Scope { city: "邯郸市".into(), county: String::new(), ..county("") };
    check(store.plans(&elsewhere).map_err(err)?.is_empty(), "another city lists none")?;
    let mine = store.plans(&county("长安区")).map_err(err)?;
    check(mine.len() == 1 && mine.first().is_some_and(|p| p.state == PlanState::Drawn), "the plan, drawn")
}

fn problems(store: &dyn Store) -> Result<(), String> {
    let doc = DocumentId::random();
    let source = ProblemSource {
        doc,
        centre_code: "C1".into(),
        centre_name: "中心".into(),
        region: xuncha_core::Region {
            province: "河北省".into(),
            city: "石家庄市".into(),
            county: "长安区".into(),
            township: "建北街道".into(),
        },
        quarter: "2026Q4".into(),
        purpose: xuncha_core::document::Purpose::Routine,
        by: "sup".into(),
    };
    let found = |key: &str, deadline: &str| NewProblem {
        key: key.into(),
        item: None,
        title_zh: "问题".into(),
        title_en: "Problem".into(),
        finding: key.into(),
        photos: vec!["ab".repeat(32)],
        severity: xuncha_core::problems::Severity::General,
        deadline: deadline.into(),
        responsible: "中心".into(),
    };
    let list = [found("a", "2026-12-01"), found("b", "2027-01-31"), found("c", "2027-01-31")];
    check(store.record_problems(&source, &list, 1).map_err(err)? == 3, "three problems recorded")?;
    check(store.record_problems(&source, &list, 2).map_err(err)? == 0, "recording again adds none")?;
    let page = PageReq::new(1, 10);
    let all =
        store.problems(&ProblemFilter { doc: Some(doc), ..ProblemFilter::default() }, page.clone()).map_err(err)?;
    check(all.total == 3 && all.items.iter().all(|p| p.state == ProblemState::Draft), "three drafts")?;
    let id = |key: &str| all.items.iter().find(|p| p.key == key).map(|p| p.id).ok_or("a problem by key");
    let (a, b) = (id("a")?, id("b")?);
    let event = |kind: &str| ProblemEvent {
        at: 3,
        by: "sup".into(),
        kind: kind.into(),
        detail: String::new(),
        photos: Vec::new(),
    };
    let early = store.change_problem(a, &ProblemChange::Feedback { at: 3 }, &event("feedback")).map_err(err)?;
    check(!early, "a draft takes no feedback")?;
    let notice = NewNotice {
        centre_code: "C1".into(),
        centre_name: "中心".into(),
        scope: county("长安区"),
        office: "商务局".into(),
        prefix: "长安".into(),
        issued_by: "sup".into(),
        issued_on: "2026-11-01".into(),
        issued_at: 3,
    };
    let issued = store.issue_notice(&notice, &[a, b], &event("issued")).map_err(err)?.ok_or("issued")?;
    check(issued.number == "长安商整〔2026〕1号", "the first notice of the county and year")?;
    check(store.issue_notice(&notice, &[b], &event("issued")).map_err(err)?.is_none(), "issued once")?;
    let close = ProblemChange::Close { doc: DocumentId::random(), on: "2026-12-05".into() };
    let closed = store.change_problem(a, &close, &event("closed")).map_err(err)?;
    let twice = store.change_problem(a, &close, &event("closed")).map_err(err)?;
    check(closed && !twice, "closed once")?;
    let kinds: Vec<String> = store.problem_events(a).map_err(err)?.into_iter().map(|e| e.kind).collect();
    check(kinds == ["found", "issued", "closed"], "the record of what happened, in order")?;
    let due = |d: Due| ProblemFilter { due: Some((d, "2027-02-01".into())), ..ProblemFilter::default() };
    let count = |d: Due| store.problems(&due(d), page.clone()).map(|p| p.total).map_err(err);
    check(count(Due::Overdue)? == 1, "b is overdue in February")?;
    check(count(Due::Open)? == 0 && count(Due::Late)? == 1 && count(Due::OnTime)? == 0, "a was closed late")?;
    let numbered = store.problem(b).map_err(err)?.and_then(|p| p.notice_number);
    check(numbered.as_deref() == Some("长安商整〔2026〕1号"), "a problem names its notice")?;
    let ledger = store.ledger(&county("长安区"), "2027-02-01").map_err(err)?;
    let row = ledger.first().ok_or("a ledger row")?;
    check(
        (row.draft, row.open, row.overdue, row.closed_on_time, row.closed_late) == (1, 0, 1, 0, 1),
        "closed after its deadline is closed late; an issued problem past it is overdue",
    )?;
    check(store.ledger(&county("桥西区"), "2027-02-01").map_err(err)?.is_empty(), "another county counts none")
}

fn publications(store: &dyn Store) -> Result<(), String> {
    let plan = |name: &str| {
        let new = NewPlan {
            name: name.into(),
            quarter: "2026Q4".into(),
            purpose: xuncha_core::document::Purpose::Random,
            scope: county("长安区"),
            criteria: PlanCriteria::default(),
            sampling: xuncha_core::draw::Sampling::Count(1),
            per_task: 1,
            seed: "s".into(),
            pool: Vec::new(),
            created_by: "sup".into(),
        };
        store.create_plan(&new, 1).map(|p| p.id).map_err(err)
    };
    let (a, b) = (plan("甲")?, plan("乙")?);
    let row = PublicRow {
        centre_code: "C1".into(),
        centre_name: "中心".into(),
        centre_type: xuncha_core::CentreType::Village,
        county: "长安区".into(),
        township: "t".into(),
        grade: Some(xuncha_core::scoring::Grade::Good),
        approved_on: Some("2026-12-01".into()),
        open_problems: 1,
        closed_problems: 0,
    };
    let publish = |plan_id: i64, reason: &str, at: i64| {
        let p = NewPublication {
            plan_id,
            title: "公示".into(),
            scope: county("长安区"),
            quarter: "2026Q4".into(),
            purpose: xuncha_core::document::Purpose::Random,
            seed: "s".into(),
            rows: vec![row.clone()],
            reason: reason.into(),
            published_by: "admin".into(),
        };
        store.publish(&p, at).map_err(err)
    };
    let first = publish(a, "", 10)?;
    let second = publish(a, "更正", 20)?;
    publish(b, "", 15)?;
    let (first, second) = (first.record, second.record);
    check(first.version == 1 && second.version == 2 && second.rows == [row.clone()], "versions count up, rows kept")?;
    check(store.publications(a).map_err(err)?.len() == 2, "every version is kept")?;
    let index = store.latest_publications(10).map_err(err)?;
    let seen: Vec<(i64, u32)> = index.iter().map(|p| (p.record.plan_id, p.record.version)).collect();
    check(seen == [(a, 2), (b, 1)], "each plan once, its newest version, the newest first")
}

fn operator_accounts(store: &dyn Store) -> Result<(), String> {
    let u = NewUser {
        username: "op".into(),
        display_name: "运营公司".into(),
        role: Role::Operator,
        scope: county("长安区"),
        centres: vec!["C1".into(), "C2".into()],
        password_hash: "$argon2id$x".into(),
    };
    let created = store.create_user(u, 1).map_err(err)?;
    let (found, _) = store.user_by_name("op").map_err(err)?.ok_or("op is found")?;
    check(found == created && found.centres == ["C1", "C2"], "the operator's centres are kept")?;
    check(found.operates("C2") && !found.operates("C3"), "it operates its own centres only")
}

fn figures(store: &dyn Store) -> Result<(), String> {
    centre(store, "C1", "长安区")?;
    centre(store, "C2", "长安区")?;
    centre(store, "C3", "桥西区")?;
    let report = |code: &str, period: &str, turnover_wan: f64, at: i64| {
        let f = NewFigures {
            centre_code: code.into(),
            period: period.into(),
            values: FigureValues { turnover_wan, visits: 100, staff: 3, merchants: 2 },
            ledger_photo: None,
            note: String::new(),
            warnings: vec![FigureWarning::TurnoverWithoutStaff],
            reported_by: "op".into(),
        };
        store.add_figures(&f, at).map_err(err)
    };
    let first = report("C1", "2026Q3", 10.5, 1)?;
    let revised = report("C1", "2026Q3", 11.0, 2)?;
    report("C1", "2026Q2", 9.0, 3)?;
    report("C3", "2026Q3", 7.0, 4)?;
    check(first.version == 1 && revised.version == 2, "a revision is the next version")?;
    let history = store.figures_of("C1", 10).map_err(err)?;
    let seen: Vec<(String, u32)> = history.iter().map(|f| (f.period.clone(), f.version)).collect();
    check(
        seen == [("2026Q3".into(), 2), ("2026Q3".into(), 1), ("2026Q2".into(), 1)],
        "newest period, newest version first",
    )?;
    check(history.first().is_some_and(|f| f.warnings == [FigureWarning::TurnoverWithoutStaff]), "warnings kept")?;
    check(store.figures_of("C1", 1).map_err(err)?.len() == 1, "the limit holds")?;
    let rows = store.period_coverage(&county("长安区"), "2026Q3", 100).map_err(err)?;
    check(store.period_coverage(&county("长安区"), "2026Q3", 1).map_err(err)?.len() == 1, "the limit holds")?;
    let seen: Vec<(String, Option<f64>)> =
        rows.iter().map(|r| (r.centre_code.clone(), r.figures.as_ref().map(|f| f.values.turnover_wan))).collect();
    check(
        seen == [("C1".into(), Some(11.0)), ("C2".into(), None)],
        "each built centre of the county, its newest figures",
    )?;
    check(rows.iter().all(|r| !r.has_operator), "no operator account names them yet")?;
    let op = NewUser {
        username: "op-c2".into(),
        display_name: "运营".into(),
        role: Role::Operator,
        scope: county("长安区"),
        centres: vec!["C2".into()],
        password_hash: "$argon2id$x".into(),
    };
    store.create_user(op, 1).map_err(err)?;
    let rows = store.period_coverage(&county("长安区"), "2026Q3", 100).map_err(err)?;
    let operated: Vec<bool> = rows.iter().map(|r| r.has_operator).collect();
    check(operated == [false, true], "the centre an operator account names has one")
}
