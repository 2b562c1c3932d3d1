//! Centre operators (运营主体) against a real server: a supervisor creates
//! an operator for centres of the county; the operator reports each
//! period's figures (plausibility warnings confirmed or the report refused,
//! revisions as versions, a ledger photo), answers issued problems of its
//! own centres with feedback and photos, and reaches nothing else.

use super::problems::{CENTRE, signed_inspection};
use reqwest::StatusCode;
use serde_json::{Value, json};
use xuncha_server::operators::service::due_period;
use xuncha_server::quarter::offset;
use xuncha_tests::{Api, TestServer};

async fn send_photo(api: &Api, path: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let req = api.http.post(format!("{}{path}", api.url)).bearer_auth(&api.token);
    let res = req.header("content-type", "image/jpeg").body(bytes).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn report(period: &str, turnover_wan: f64, confirmed: bool) -> Value {
    json!({"centre_code": CENTRE, "period": period, "turnover_wan": turnover_wan, "visits": 5200, "staff": 6,
        "merchants": 4, "confirmed": confirmed})
}

/// sup-a's operator of [`CENTRE`] and the community centre, signed in.
async fn operator(server: &TestServer, sup: &Api) -> Api {
    let body = json!({"username": "op-b01", "display_name": "谈固商贸公司", "password": "yunying-2026-op",
        "centres": [CENTRE, "130102-C01", CENTRE]});
    let (status, op) = sup.post("/api/v1/operators", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{op}");
    assert_eq!((op["role"].as_str(), op["scope"]["county"].as_str()), (Some("operator"), Some("长安区")));
    assert_eq!(op["centres"], json!(["130102-B01", "130102-C01"]), "sorted, each once");
    Api::login_with(&server.url, "op-b01", "yunying-2026-op").await
}

#[tokio::test]
async fn operators_are_created_for_centres_of_the_supervisors_county_only() {
    let server = TestServer::start().await;
    server.seed();
    let (sup, other, admin) = (server.api("sup-a").await, server.api("sup-b").await, server.api("admin").await);
    let body = |username: &str, centres: Value| json!({"username": username, "display_name": "运营方", "password": "yunying-2026-op", "centres": centres});
    assert_eq!(other.post("/api/v1/operators", &body("op-x", json!([CENTRE]))).await.0, StatusCode::FORBIDDEN);
    let two_counties = body("op-y", json!([CENTRE, "130104-C01"]));
    assert_eq!(admin.post("/api/v1/operators", &two_counties).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(sup.post("/api/v1/operators", &body("op-z", json!([]))).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(sup.post("/api/v1/operators", &body("op-z", json!(["NOPE"]))).await.0, StatusCode::NOT_FOUND);
    let staff_route = json!({"username": "op-w", "display_name": "x", "role": "operator", "password": "yunying-2026-op",
        "scope": {"province": "河北省", "city": "石家庄市", "county": "长安区"}});
    assert_eq!(admin.post("/api/v1/users", &staff_route).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let wang = server.api("wang").await;
    assert_eq!(wang.post("/api/v1/operators", &body("op-v", json!([CENTRE]))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(server.count("SELECT count(*) FROM users WHERE role = 'operator'"), 0, "nothing was created");

    let op = operator(&server, &sup).await;
    let (_, listed) = sup.get("/api/v1/operators").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(other.get("/api/v1/operators").await.1.as_array().map(Vec::len), Some(0));

    // An operator reaches its session and its own pages, no staff route.
    assert_eq!(op.get("/api/v1/me").await.1["role"], "operator");
    for path in [
        "/api/v1/inspections",
        "/api/v1/problems",
        "/api/v1/centres/130102-B01",
        "/api/v1/assignments",
        "/api/v1/stats/quarterly?quarter=2026Q4",
        "/api/v1/users",
        "/api/v1/plans",
        "/api/v1/figures/coverage",
    ] {
        let (status, body) = op.get(path).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn figures_are_reported_by_period_with_warnings_confirmed_revisions_kept_and_a_ledger_photo() {
    let server = TestServer::start().await;
    server.seed();
    let (sup, other) = (server.api("sup-a").await, server.api("sup-b").await);
    let op = operator(&server, &sup).await;
    let due = due_period();
    let before = offset(&due, -1).unwrap();

    let (_, mine) = op.get("/api/v1/operator/centres").await;
    let codes: Vec<&str> = mine.as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["130102-B01", "130102-C01"]);
    assert_eq!(mine[0]["due_period"].as_str(), Some(due.as_str()));

    // Periods: complete quarters up to two years back.
    let current = offset(&due, 1).unwrap();
    for bad in [current.as_str(), &offset(&due, -8).unwrap(), "2026Q5", "last quarter"] {
        let (status, body) = op.post("/api/v1/figures", &report(bad, 100.0, true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    let mut negative = report(&due, 100.0, true);
    negative["visits"] = json!(-1);
    assert_eq!(op.post("/api/v1/figures", &negative).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(op.post("/api/v1/figures", &report(&due, 2e6, true)).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // Last period's figures, then this period's more than doubled: queried.
    let (status, first) = op.post("/api/v1/figures", &report(&before, 100.0, false)).await;
    assert_eq!((status, first["version"].as_u64()), (StatusCode::CREATED, Some(1)), "{first}");
    let (_, checked) = op.post("/api/v1/figures/check", &report(&due, 250.123, false)).await;
    assert_eq!(checked["warnings"][0]["code"], "change_over_half");
    assert_eq!(checked["warnings"][0]["figure"], "turnover");
    assert_eq!(checked["warnings"][0]["previous_period"].as_str(), Some(before.as_str()));
    let (status, refused) = op.post("/api/v1/figures", &report(&due, 250.123, false)).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{refused}");
    assert_eq!(server.count("SELECT count(*) FROM centre_figures"), 1, "a refused report stores nothing");
    let (status, confirmed) = op.post("/api/v1/figures", &report(&due, 250.123, true)).await;
    assert_eq!(status, StatusCode::CREATED, "{confirmed}");
    assert_eq!(
        (confirmed["turnover_wan"].as_f64(), confirmed["warnings"][0]["code"].as_str()),
        (Some(250.12), Some("change_over_half")),
        "rounded to the hundred yuan, the warning kept"
    );

    // A revision with the ledger photo: version 2, version 1 kept.
    let (status, photo) =
        send_photo(&op, "/api/v1/centres/130102-B01/ledger-photos", xuncha_server::cli::demo::demo_photo(21).unwrap())
            .await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let mut revised = report(&due, 130.0, false);
    revised["ledger_photo"] = photo["sha256"].clone();
    let (status, v2) = op.post("/api/v1/figures", &revised).await;
    assert_eq!((status, v2["version"].as_u64()), (StatusCode::CREATED, Some(2)), "{v2}");
    let mut foreign = report(&due, 130.0, false);
    foreign["ledger_photo"] = json!("0".repeat(64));
    assert_eq!(op.post("/api/v1/figures", &foreign).await.0, StatusCode::UNPROCESSABLE_ENTITY, "only its own photo");
    let (_, history) = op.get("/api/v1/centres/130102-B01/figures").await;
    let seen: Vec<(String, u64)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["period"].as_str().unwrap().to_owned(), f["version"].as_u64().unwrap()))
        .collect();
    assert_eq!(seen, [(due.clone(), 2), (due.clone(), 1), (before.clone(), 1)]);
    let photo_path = format!("/api/v1/centres/130102-B01/figures/{due}/2/ledger-photo");
    let res = sup.http.get(format!("{}{photo_path}", sup.url)).bearer_auth(&sup.token).send().await.unwrap();
    // Served as what the bytes are (the demo photo is the app's lossy WebP), whatever the upload claimed.
    assert_eq!((res.status(), res.headers()["content-type"].to_str().unwrap()), (StatusCode::OK, "image/webp"));
    assert_eq!(other.get(&photo_path).await.0, StatusCode::NOT_FOUND, "another county sees nothing");

    // Another centre of the county is not the operator's: nothing to read or write.
    let mut foreign_centre = report(&due, 10.0, true);
    foreign_centre["centre_code"] = json!("130102-T01");
    assert_eq!(op.post("/api/v1/figures", &foreign_centre).await.0, StatusCode::NOT_FOUND);
    assert_eq!(op.get("/api/v1/centres/130102-T01/figures").await.0, StatusCode::NOT_FOUND);
    assert_eq!(op.get(&format!("/api/v1/figures/coverage?period={due}")).await.0, StatusCode::FORBIDDEN);

    // The county sees who reported; a supervisor may report for a centre (代填).
    let (status, _) = sup.post("/api/v1/figures", &foreign_centre).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, coverage) = sup.get(&format!("/api/v1/figures/coverage?period={due}")).await;
    let rows = coverage.as_array().unwrap();
    let reported: Vec<(&str, Option<u64>)> = rows
        .iter()
        .filter(|r| !r["figures"].is_null())
        .map(|r| (r["centre_code"].as_str().unwrap(), r["figures"]["version"].as_u64()))
        .collect();
    assert_eq!(reported, [("130102-B01", Some(2)), ("130102-T01", Some(1))]);
    assert!(rows.len() > 2 && rows.iter().all(|r| r["county"] == "长安区"));
    let operated: Vec<&str> =
        rows.iter().filter(|r| r["has_operator"] == true).map(|r| r["centre_code"].as_str().unwrap()).collect();
    assert_eq!(operated, ["130102-B01", "130102-C01"], "the centres op-b01 runs; the others are the county's to enter");
    let (_, theirs) = other.get(&format!("/api/v1/figures/coverage?period={due}")).await;
    assert!(theirs.as_array().unwrap().iter().all(|r| r["county"] == "桥西区" && r["figures"].is_null()));
    server.stop().await;
}

#[tokio::test]
async fn an_operator_answers_its_centres_issued_problems_with_feedback_and_photos() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let (doc, _) = signed_inspection(&server, &sup).await;
    let review = format!("/api/v1/inspections/{doc}/review");
    assert_eq!(sup.post(&review, &json!({"status": "approved"})).await.0, StatusCode::OK);
    let op = operator(&server, &sup).await;
    assert_eq!(op.get("/api/v1/operator/problems").await.1, json!([]), "drafts are the county's own");
    let (_, drafts) = sup.get(&format!("/api/v1/problems?doc={doc}")).await;
    let ids: Vec<i64> = drafts["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    let (first, draft) = (ids[0], ids[1]);
    assert_eq!(op.get(&format!("/api/v1/problems/{draft}")).await.0, StatusCode::NOT_FOUND);
    let (status, _) = sup.post("/api/v1/notices", &json!({"problems": [first]})).await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, mine) = op.get("/api/v1/operator/problems").await;
    assert_eq!(mine.as_array().map(|m| m.iter().map(|p| p["id"].as_i64().unwrap()).collect()), Some(vec![first]));
    let path = format!("/api/v1/problems/{first}");
    assert_eq!(op.get(&path).await.0, StatusCode::OK);
    let edit = op.http.patch(format!("{}{path}", op.url)).bearer_auth(&op.token).json(&json!({"action": "x"}));
    assert_eq!(edit.send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(op.post(&format!("{path}/escalate"), &json!({"reason": "x"})).await.0, StatusCode::FORBIDDEN);
    let (status, photo) =
        send_photo(&op, &format!("{path}/photos"), xuncha_server::cli::demo::demo_photo(31).unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let body = json!({"text": "价格公示牌已补齐，见照片", "photos": [photo["sha256"]]});
    let (status, answered) = op.post(&format!("{path}/feedback"), &body).await;
    assert_eq!((status, answered["feedback_at"].is_i64()), (StatusCode::OK, true), "{answered}");
    let (_, record) = sup.get(&path).await;
    let last = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["kind"].as_str(), last["by"].as_str()), (Some("feedback"), Some("op-b01")));

    // Another county's operator reaches none of it.
    let other = server.api("sup-b").await;
    let body = json!({"username": "op-qx", "display_name": "桥西运营", "password": "yunying-2026-op",
        "centres": ["130104-C01"]});
    assert_eq!(other.post("/api/v1/operators", &body).await.0, StatusCode::CREATED);
    let stranger = Api::login_with(&server.url, "op-qx", "yunying-2026-op").await;
    assert_eq!(stranger.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.post(&format!("{path}/feedback"), &json!({"text": "x"})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get("/api/v1/operator/problems").await.1, json!([]));
    server.stop().await;
}

#[tokio::test]
async fn an_inspections_figures_are_a_spot_check_of_what_the_centre_reported() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    // A 2026Q4 inspection records 2026Q3's figures (上一完整季度).
    let doc = sup.assign(CENTRE, &["wang"]).await;
    let mut wang = xuncha_tests::device::Device::enrol(&server.url, "wang").await;
    wang.sync().await;
    let tref = wang.doc(&doc).snapshot().unwrap().template;
    let t = wang.template(&tref).await;
    for (item, value) in [("fig.turnover", 130.0), ("fig.visits", 5_300.0), ("fig.staff", 6.0)] {
        wang.answer(&doc, &t, item, xuncha_core::document::Answer::Number(value));
    }
    wang.sync().await;
    let path = format!("/api/v1/inspections/{doc}/figures");
    let (status, before) = sup.get(&path).await;
    assert_eq!((status, before["period"].as_str()), (StatusCode::OK, Some("2026Q3")), "{before}");
    assert!(before["reported"].is_null() && before["rows"].as_array().unwrap().iter().all(|r| r["flagged"] == false));

    // The centre reports 2026Q3 itself (the county enters it here): the inspector's turnover is 30% off.
    let own = json!({"centre_code": CENTRE, "period": "2026Q3", "turnover_wan": 100.0, "visits": 5000, "staff": 6,
        "merchants": 4});
    let (status, body) = sup.post("/api/v1/figures", &own).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, check) = sup.get(&path).await;
    assert_eq!(check["reported"]["version"], 1);
    let rows: Vec<(&str, Option<f64>, bool)> = check["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["figure"].as_str().unwrap(), r["deviation"].as_f64(), r["flagged"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("turnover", Some(0.3), true),
            ("visits", Some(0.06), false),
            ("staff", Some(0.0), false),
            ("merchants", None, false)
        ]
    );
    assert_eq!(check["threshold"].as_f64(), Some(0.2));
    // Readers of the inspection only.
    assert_eq!(server.api("sup-b").await.get(&path).await.0, StatusCode::NOT_FOUND);
    let op = operator(&server, &sup).await;
    assert_eq!(op.get(&path).await.0, StatusCode::FORBIDDEN);
    server.stop().await;
}
