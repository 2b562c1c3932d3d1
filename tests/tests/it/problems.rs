//! Problems and rectification against a real server: an approved
//! inspection's findings become problems with deadlines (once, however often
//! it is approved); the supervisor edits them, issues a numbered notice that
//! prints, records the centre's feedback and escalates; the ledger counts
//! overdue work; other regions and inspectors see none of it.

use calamine::Reader;
use reqwest::StatusCode;
use serde_json::{Value, json};
use xuncha_core::document::{Answer, FixSource, GpsFix};
use xuncha_core::template::{AnswerSpec, Template};
use xuncha_tests::device::Device;
use xuncha_tests::{Api, TestServer};

pub(crate) const CENTRE: &str = "130102-B01"; // a block centre in 长安区

async fn patch(api: &Api, path: &str, body: &Value) -> (StatusCode, Value) {
    let res = api.http.patch(format!("{}{path}", api.url)).bearer_auth(&api.token).json(body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn raw(api: &Api, path: &str) -> (StatusCode, String, Vec<u8>) {
    let res = api.http.get(format!("{}{path}", api.url)).bearer_auth(&api.token).send().await.unwrap();
    let status = res.status();
    let csp = res.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, csp, res.bytes().await.unwrap().to_vec())
}

/// A plain yes/no item worth points that is not a veto item.
fn plain_yes_no(t: &Template) -> String {
    t.items()
        .find(|(_, i)| matches!(i.answer, AnswerSpec::YesNo) && i.points > 0.0 && !i.critical)
        .map(|(_, i)| i.id.clone())
        .unwrap()
}

fn china_date(days: i64) -> String {
    let ms = xuncha_server::now_ms() + days * 86_400_000;
    xuncha_server::dates::date_of(ms).to_string()
}

/// An inspection of [`CENTRE`] by wang with a hazard ordered rectified, a
/// failed item and two listed problems (one carrying markup), signed off.
pub(crate) async fn signed_inspection(server: &TestServer, sup: &Api) -> (String, String) {
    let doc = sup.assign(CENTRE, &["wang"]).await;
    let mut dev = Device::enrol(&server.url, "wang").await;
    dev.sync().await;
    let tref = dev.doc(&doc).snapshot().unwrap().template;
    let t = dev.template(&tref).await;
    let failed = plain_yes_no(&t);
    dev.answer(&doc, &t, "safety.fire_check", Answer::Choice("minor_open".into()));
    dev.answer(&doc, &t, &failed, Answer::YesNo(false));
    let now = xuncha_server::now_ms();
    dev.doc(&doc).set_notes(Some("find.problems"), "价格公示牌缺失\n<b>消防通道</b>被占用\n", now).unwrap();
    dev.doc(&doc).sign_off("wang", now).unwrap();
    dev.sync().await;
    (doc, failed)
}

#[tokio::test]
async fn approval_turns_findings_into_problems_that_are_edited_issued_printed_answered_and_counted() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let (doc, failed) = signed_inspection(&server, &sup).await;
    let (_, none) = sup.get("/api/v1/problems").await;
    assert_eq!(none["total"], 0, "nothing is a problem before approval");

    let review = format!("/api/v1/inspections/{doc}/review");
    let (status, _) = sup.post(&review, &json!({"status": "approved"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, found) = sup.get(&format!("/api/v1/problems?doc={doc}")).await;
    let items = found["items"].as_array().unwrap();
    let keys: Vec<&str> = items.iter().map(|p| p["key"].as_str().unwrap()).collect();
    assert!(keys.contains(&"item:safety.fire_check"), "{keys:?}");
    assert!(keys.contains(&format!("item:{failed}").as_str()), "{keys:?}");
    assert_eq!(keys.iter().filter(|k| k.starts_with("line:find.problems:")).count(), 2);
    for p in items {
        assert_eq!((p["state"].as_str(), p["responsible"].as_str()), (Some("draft"), Some("建华南大街生活服务集聚区")));
        assert_eq!(p["region"]["county"], "长安区");
    }
    let fire = items.iter().find(|p| p["key"] == "item:safety.fire_check").unwrap();
    assert_eq!(
        (fire["severity"].as_str(), fire["deadline"].as_str()),
        (Some("general"), Some(china_date(30).as_str()))
    );
    assert_eq!(fire["finding"], "检查结果：发现一般火灾隐患，需限期整改");
    let total = found["total"].as_u64().unwrap();

    // Approving again records nothing twice.
    let (status, _) = sup.post(&review, &json!({"status": "approved"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sup.get(&format!("/api/v1/problems?doc={doc}")).await.1["total"].as_u64(), Some(total));

    // Others: another county's supervisor and an inspector see and change nothing.
    let other = server.api("sup-b").await;
    let id = fire["id"].as_i64().unwrap();
    assert_eq!(other.get("/api/v1/problems").await.1["total"], 0);
    assert_eq!(other.get(&format!("/api/v1/problems/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        patch(&other, &format!("/api/v1/problems/{id}"), &json!({"action": "x"})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(other.get("/api/v1/problems?county=长安区").await.0, StatusCode::FORBIDDEN);
    let inspector = server.api("wang").await;
    assert_eq!(inspector.get("/api/v1/problems").await.0, StatusCode::FORBIDDEN);
    assert_eq!(inspector.post("/api/v1/notices", &json!({"problems": [id]})).await.0, StatusCode::FORBIDDEN);

    // The supervisor edits before issuing; a bad date changes nothing.
    let path = format!("/api/v1/problems/{id}");
    let (status, body) = patch(&sup, &path, &json!({"deadline": "2027-02-30"})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")));
    let yesterday = china_date(-1);
    let edit = json!({"deadline": yesterday, "action": "清理安全出口杂物，张贴消防安全提示", "severity": "serious"});
    let (status, edited) = patch(&sup, &path, &edit).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!((edited["severity"].as_str(), edited["deadline"].as_str()), (Some("serious"), Some(yesterday.as_str())));
    assert_eq!(sup.post(&format!("{path}/feedback"), &json!({"text": "已整改"})).await.0, StatusCode::CONFLICT);

    // Issue two problems in one notice; they cannot be issued twice.
    let line = items.iter().find(|p| p["finding"].as_str().unwrap().contains("消防通道")).unwrap();
    let pair = json!({"problems": [id, line["id"]]});
    let (status, notice) = sup.post("/api/v1/notices", &pair).await;
    assert_eq!(status, StatusCode::CREATED, "{notice}");
    let year = &china_date(0)[..4];
    assert_eq!(notice["number"], format!("长安商整〔{year}〕1号"));
    assert_eq!(sup.post("/api/v1/notices", &pair).await.0, StatusCode::CONFLICT);
    let notice_id = notice["id"].as_i64().unwrap();
    let (_, view) = sup.get(&format!("/api/v1/notices/{notice_id}")).await;
    assert_eq!(view["problems"].as_array().unwrap().len(), 2);
    assert_eq!(other.get(&format!("/api/v1/notices/{notice_id}")).await.0, StatusCode::NOT_FOUND);
    let (status, csp, html) = raw(&sup, &format!("/api/v1/notices/{notice_id}/print")).await;
    let html = String::from_utf8(html).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(csp.contains("default-src 'none'") && !csp.contains("script"), "{csp}");
    for text in ["整改通知书", notice["number"].as_str().unwrap(), "建华南大街生活服务集聚区", "清理安全出口杂物"]
    {
        assert!(html.contains(text), "the notice prints {text}");
    }
    assert!(html.contains("&lt;b&gt;消防通道&lt;/b&gt;") && !html.contains("<b>消防通道"), "findings are escaped");

    // Issued past its deadline it is overdue; feedback is recorded; escalation needs a reason.
    let (_, issued) = sup.get(&path).await;
    assert_eq!(
        (issued["problem"]["state"].as_str(), issued["problem"]["overdue"].as_bool()),
        (Some("issued"), Some(true))
    );
    // Feedback with a photo of the rectification, sent whole from the dashboard.
    let photo = xuncha_server::cli::demo::demo_photo(11).unwrap();
    let send = |bytes: Vec<u8>, mime: &'static str, to: i64| {
        let req = sup.http.post(format!("{}/api/v1/problems/{to}/photos", sup.url)).bearer_auth(&sup.token);
        async move {
            let res = req.header("content-type", mime).body(bytes).send().await.unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    assert_eq!(send(photo.clone(), "text/plain", id).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(send(b"not a photo".to_vec(), "image/jpeg", id).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let draft = items.iter().find(|p| p["id"] != id && p["id"] != line["id"]).unwrap()["id"].as_i64().unwrap();
    assert_eq!(send(photo.clone(), "image/jpeg", draft).await.0, StatusCode::CONFLICT, "a draft has no rectification");
    let (status, stored) = send(photo.clone(), "image/jpeg", id).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let sha = stored["sha256"].as_str().unwrap().to_owned();
    let unknown = json!({"text": "见附件", "photos": ["0".repeat(64)]});
    assert_eq!(sup.post(&format!("{path}/feedback"), &unknown).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let body = json!({"text": "已清理杂物，见附件", "photos": [sha]});
    let (status, answered) = sup.post(&format!("{path}/feedback"), &body).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert!(answered["feedback_at"].is_i64());
    assert_eq!(raw(&sup, &format!("/api/v1/blobs/{sha}/thumbnail")).await.0, StatusCode::OK);
    assert_eq!(raw(&other, &format!("/api/v1/blobs/{sha}")).await.0, StatusCode::NOT_FOUND, "only the region sees it");
    assert_eq!(
        sup.post(&format!("{path}/escalate"), &json!({"reason": " "})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(sup.post(&format!("{path}/escalate"), &json!({"reason": "逾期未整改"})).await.0, StatusCode::OK);
    let (_, record) = sup.get(&path).await;
    let kinds: Vec<&str> = record["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["found", "edited", "issued", "feedback", "escalated"]);
    assert_eq!(record["events"][3]["photos"], json!([sha]), "the feedback carries its photo");
    assert_eq!(record["problem"]["escalated"], true);

    let (_, overdue) = sup.get("/api/v1/problems?overdue=true").await;
    assert_eq!((overdue["total"].as_u64(), overdue["items"][0]["id"].as_i64()), (Some(1), Some(id)));
    let (_, open) = sup.get("/api/v1/problems?due=open").await;
    assert_eq!(
        (open["total"].as_u64(), open["items"][0]["notice_number"].as_str()),
        (Some(1), notice["number"].as_str())
    );
    assert_eq!(sup.get("/api/v1/problems?due=someday").await.0, StatusCode::BAD_REQUEST);
    let (_, ledger) = sup.get("/api/v1/problems/ledger").await;
    assert_eq!(ledger.as_array().unwrap().len(), 1, "{ledger}");
    let row = &ledger[0];
    assert_eq!(
        (row["county"].as_str(), row["overdue"].as_u64(), row["open"].as_u64()),
        (Some("长安区"), Some(1), Some(1))
    );
    assert_eq!(row["draft"].as_u64(), Some(total - 2));
    assert_eq!(other.get("/api/v1/problems/ledger").await.1.as_array().unwrap().len(), 0);

    // The ledger downloads: every problem, in Chinese, in both formats.
    let (status, _, csv) = raw(&sup, "/api/v1/problems/export.csv").await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(csv.strip_prefix(b"\xEF\xBB\xBF").unwrap().to_vec()).unwrap();
    assert_eq!(text.lines().count() as u64, total + 1, "a header and a row per problem");
    assert!(text.contains("逾期未整改") && text.contains("待下发"));
    let (_, _, xlsx) = raw(&sup, "/api/v1/problems/export.xlsx?state=issued").await;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("整改台账 Ledger").unwrap();
    assert_eq!(sheet.rows().count(), 3 + 2, "title, blank, header and the two issued problems");
    server.stop().await;
}

/// A position a few metres from [`CENTRE`], from satellites.
fn on_site_fix(by: &str) -> GpsFix {
    GpsFix {
        lat: 38.0431,
        lon: 114.5602,
        accuracy_m: 8.0,
        source: FixSource::Gnss,
        at: xuncha_server::now_ms(),
        mock: None,
        by: by.into(),
        signature: None,
    }
}

#[tokio::test]
async fn a_follow_up_is_worked_offline_and_its_approval_closes_what_was_rectified_with_evidence() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let (doc, _) = signed_inspection(&server, &sup).await;
    sup.post(&format!("/api/v1/inspections/{doc}/review"), &json!({"status": "approved"})).await;
    let (_, found) = sup.get(&format!("/api/v1/problems?doc={doc}")).await;
    let items = found["items"].as_array().unwrap();
    let fire = items.iter().find(|p| p["key"] == "item:safety.fire_check").unwrap()["id"].as_i64().unwrap();
    let line = items.iter().find(|p| p["key"].as_str().unwrap().starts_with("line:")).unwrap()["id"].as_i64().unwrap();

    // Nothing to re-check before a notice is issued; then the issued ones only.
    let body = json!({"centre_code": CENTRE, "inspectors": ["li"]});
    assert_eq!(sup.post("/api/v1/problems/followup", &body).await.0, StatusCode::CONFLICT);
    assert_eq!(sup.post("/api/v1/notices", &json!({"problems": [fire, line]})).await.0, StatusCode::CREATED);
    let manual = json!({"centre_code": CENTRE, "quarter": "2026Q4", "purpose": "follow_up", "inspectors": ["li"]});
    assert_eq!(
        sup.post("/api/v1/assignments", &manual).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "made from problems only"
    );
    let other = server.api("sup-b").await;
    assert_eq!(other.post("/api/v1/problems/followup", &body).await.0, StatusCode::NOT_FOUND);
    let checklists = || server.count("SELECT count(*) FROM template_variants");
    let before = checklists();
    let outsider = json!({"centre_code": CENTRE, "inspectors": ["zhao"]});
    assert_eq!(sup.post("/api/v1/problems/followup", &outsider).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(checklists(), before, "a refused follow-up stores no checklist");
    let (status, tasks) = sup.post("/api/v1/problems/followup", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{tasks}");
    let task = &tasks[0];
    assert_eq!((task["purpose"].as_str(), task["inspector"].as_str()), (Some("follow_up"), Some("li")));
    let follow_doc = task["doc"].as_str().unwrap().to_owned();
    assert_ne!(follow_doc, doc);
    let (_, fire_view) = sup.get(&format!("/api/v1/problems/{fire}")).await;
    assert_eq!(fire_view["problem"]["followup_doc"], follow_doc.as_str());

    // The checklist is the task's: its inspector and the supervisors read it, nobody else.
    let template =
        format!("/api/v1/templates/{}/{}", task["template"]["id"].as_str().unwrap(), task["template"]["version"]);
    for (who, expected) in [
        ("li", StatusCode::OK),
        ("sup-a", StatusCode::OK),
        ("wang", StatusCode::NOT_FOUND),
        ("sup-b", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(server.api(who).await.get(&template).await.0, expected, "{who} reads the checklist");
    }
    let (_, listed) = sup.get("/api/v1/templates").await;
    assert!(listed.as_array().unwrap().iter().all(|t| !t["id"].as_str().unwrap().starts_with("followup-")));

    // li's device gets the task, then works offline: one rectified with a
    // photo on site, one not, and signs; it syncs when back in coverage.
    let mut li = Device::enrol(&server.url, "li").await;
    li.sync().await;
    let tref = li.doc(&follow_doc).snapshot().unwrap().template;
    let t = li.template(&tref).await;
    let (fire_item, line_item) = (format!("p{fire}"), format!("p{line}"));
    let title = &t.item(&fire_item).unwrap().title.zh;
    assert!(title.contains("发现一般火灾隐患，需限期整改"), "the finding travels: {title}");
    li.answer(&follow_doc, &t, &fire_item, Answer::Choice("rectified".into()));
    let bytes = xuncha_server::cli::demo::demo_photo(7).unwrap();
    let mut photo = xuncha_tests::photo_record(&bytes, "li");
    (photo.item_id, photo.gps) = (Some(fire_item.clone()), Some(on_site_fix("li")));
    li.doc(&follow_doc).add_photo(&photo).unwrap();
    li.answer(&follow_doc, &t, &line_item, Answer::Choice("not".into()));
    li.doc(&follow_doc).set_notes(Some(&line_item), "通道仍被占用", xuncha_server::now_ms()).unwrap();
    li.doc(&follow_doc).add_gps_fix(&on_site_fix("li")).unwrap();
    li.doc(&follow_doc).sign_off("li", xuncha_server::now_ms()).unwrap();
    li.sync().await;
    assert_eq!(li.upload(&bytes).await, StatusCode::NO_CONTENT);

    // A device cannot close anything: only the approval does.
    let (_, still) = sup.get(&format!("/api/v1/problems/{fire}")).await;
    assert_eq!(still["problem"]["state"], "issued");
    let (status, _) =
        sup.post(&format!("/api/v1/inspections/{follow_doc}/review"), &json!({"status": "approved"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, closed) = sup.get(&format!("/api/v1/problems/{fire}")).await;
    assert_eq!(
        (closed["problem"]["state"].as_str(), closed["problem"]["closed_doc"].as_str()),
        (Some("closed"), Some(follow_doc.as_str()))
    );
    assert_eq!(closed["problem"]["closed_on"], china_date(0));
    let last = closed["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["photos"][0].as_str()),
        (Some("closed"), Some(photo.sha256.as_str())),
        "closed with its evidence"
    );
    let (_, open) = sup.get(&format!("/api/v1/problems/{line}")).await;
    assert_eq!(open["problem"]["state"], "issued");
    let last = open["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "not_rectified");
    assert!(last["detail"].as_str().unwrap().contains("通道仍被占用"));
    let (_, follow_problems) = sup.get(&format!("/api/v1/problems?doc={follow_doc}")).await;
    assert_eq!(follow_problems["total"], 0, "a follow-up's answers are not new problems");
    let (_, ledger) = sup.get("/api/v1/problems/ledger").await;
    assert_eq!((ledger[0]["closed_on_time"].as_u64(), ledger[0]["open"].as_u64()), (Some(1), Some(1)));

    // What is still open is re-checked again, in a task of its own.
    let (status, again) =
        sup.post("/api/v1/problems/followup", &json!({"centre_code": CENTRE, "inspectors": ["li"]})).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_ne!(again[0]["doc"].as_str().unwrap(), follow_doc);
    server.stop().await;
}

#[tokio::test]
async fn the_draw_puts_centres_with_open_problems_first_and_keeps_last_rounds_inspectors_away() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let (doc, _) = signed_inspection(&server, &sup).await;
    sup.post(&format!("/api/v1/inspections/{doc}/review"), &json!({"status": "approved"})).await;
    let plan = json!({"name": "复查后抽查", "quarter": "2027Q1", "sampling": {"count": 1}, "per_task": 1, "seed": "s",
        "criteria": {"centre_types": ["block"]}, "pool": [{"username": "wang"}, {"username": "li"}]});
    let (_, plan) = sup.post("/api/v1/plans", &plan).await;
    let (status, drawn) = sup.post(&format!("/api/v1/plans/{}/draw", plan["id"]), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    let centre = drawn["draw"]["centres"].as_array().unwrap().iter().find(|c| c["code"] == CENTRE).unwrap().clone();
    assert_eq!(centre["open_problems"], true, "its problems are not closed");
    assert_eq!(centre["last_inspectors"], json!(["wang"]), "who inspected it last round");
    let task = drawn["draw"]["result"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["centre_code"] == CENTRE)
        .unwrap()
        .clone();
    assert_eq!(task["inspectors"], json!(["li"]), "wang may not inspect it again (回避)");
    server.stop().await;
}
