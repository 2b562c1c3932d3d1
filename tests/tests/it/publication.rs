//! Publication (一公开) against a real server: an administrator publishes a
//! confirmed random-inspection plan's approved results as a frozen snapshot;
//! a correction is a new version with its reason; anyone reads the pages and
//! the feed without signing in, and finds nothing personal in them.

use reqwest::StatusCode;
use serde_json::{Value, json};
use xuncha_core::document::Answer;
use xuncha_core::template::AnswerSpec;
use xuncha_tests::device::Device;
use xuncha_tests::{Api, TestServer};

/// A confirmed plan of one block centre in 长安区 for `who`; its task's document.
async fn confirmed_plan(sup: &Api, who: &str) -> (i64, String, String) {
    let body = json!({"name": "2026年第四季度长安区街区双随机抽查", "quarter": "2026Q4", "sampling": {"count": 1},
        "per_task": 1, "seed": "公示-2026Q4", "criteria": {"centre_types": ["block"]}, "pool": [{"username": who}]});
    let (_, plan) = sup.post("/api/v1/plans", &body).await;
    let id = plan["id"].as_i64().unwrap();
    assert_eq!(sup.post(&format!("/api/v1/plans/{id}/draw"), &json!({})).await.0, StatusCode::OK);
    let (status, confirmed) = sup.post(&format!("/api/v1/plans/{id}/confirm"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let centre = confirmed["draw"]["result"]["tasks"][0]["centre_code"].as_str().unwrap().to_owned();
    let (_, tasks) = sup.get("/api/v1/assignments?quarter=2026Q4").await;
    let task =
        tasks.as_array().unwrap().iter().find(|a| a["purpose"] == "random" && a["centre_code"] == centre.as_str());
    (id, centre, task.unwrap()["doc"].as_str().unwrap().to_owned())
}

async fn public(server: &TestServer, path: &str) -> (StatusCode, String, String) {
    let res = reqwest::get(format!("{}{path}", server.url)).await.unwrap();
    let status = res.status();
    let csp = res.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, csp, res.text().await.unwrap())
}

#[tokio::test]
async fn approved_results_are_published_frozen_corrected_with_a_reason_and_readable_by_anyone() {
    let server = TestServer::start().await;
    server.seed();
    let (sup, admin) = (server.api("sup-a").await, server.api("admin").await);
    let (plan, centre, doc) = confirmed_plan(&sup, "wang").await;
    let path = format!("/api/v1/plans/{plan}/publications");
    let (status, body) = admin.post(&path, &json!({})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "nothing approved yet");

    // wang inspects (one item failed, so there is a problem), signs; the county approves.
    let mut wang = Device::enrol(&server.url, "wang").await;
    wang.sync().await;
    let tref = wang.doc(&doc).snapshot().unwrap().template;
    let t = wang.template(&tref).await;
    let item = t.items().find(|(_, i)| matches!(i.answer, AnswerSpec::YesNo) && i.points > 0.0 && !i.critical);
    wang.answer(&doc, &t, &item.unwrap().1.id, Answer::YesNo(false));
    wang.doc(&doc).sign_off("wang", xuncha_server::now_ms()).unwrap();
    wang.sync().await;
    assert_eq!(
        sup.post(&format!("/api/v1/inspections/{doc}/review"), &json!({"status": "approved"})).await.0,
        StatusCode::OK
    );

    // Supervisors see; administrators publish.
    assert_eq!(sup.post(&path, &json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, v1) = admin.post(&path, &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{v1}");
    assert_eq!((v1["version"].as_u64(), v1["rows"][0]["centre_code"].as_str()), (Some(1), Some(centre.as_str())));
    assert!(v1["rows"][0]["grade"].is_string() && v1["rows"][0]["open_problems"].as_u64() >= Some(1));
    let other = server.api("sup-b").await;
    assert_eq!(other.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other.post(&path, &json!({"reason": "x"})).await.0, StatusCode::NOT_FOUND);

    // The record changes (the approval is withdrawn); what was published does not.
    sup.post(&format!("/api/v1/inspections/{doc}/review"), &json!({"status": "returned", "comment": "重新核实"})).await;
    let (_, _, feed) = public(&server, "/api/v1/public/publications").await;
    let feed: Value = serde_json::from_str(&feed).unwrap();
    assert_eq!(feed[0]["rows"][0]["grade"], v1["rows"][0]["grade"], "the published snapshot is frozen");
    assert_eq!(admin.post(&path, &json!({})).await.0, StatusCode::UNPROCESSABLE_ENTITY, "a correction says why");
    let reason = "该中心检查结果退回重新核实，暂不公示等级";
    let (status, v2) = admin.post(&path, &json!({"reason": reason})).await;
    assert_eq!((status, v2["version"].as_u64()), (StatusCode::CREATED, Some(2)), "{v2}");
    assert!(v2["rows"][0]["grade"].is_null());

    // Anyone reads it: the feed, the versions, the pages; nothing personal, no internal ids.
    let (status, _, versions) = public(&server, &format!("/api/v1/public/publications/{plan}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, csp, page) = public(&server, &format!("/public/plans/{plan}")).await;
    assert!(page.contains(reason) && page.contains("第2版") && page.contains("版本记录"), "{page}");
    assert!(csp.contains("default-src 'none'") && !csp.contains("script"));
    let (_, _, first) = public(&server, &format!("/public/plans/{plan}?version=1")).await;
    assert!(!first.contains("更正说明") && first.contains("第1版"), "the first version, its history below");
    let (_, _, index) = public(&server, "/public").await;
    assert!(index.contains("2026年第四季度长安区街区双随机抽查") && index.contains("（已更正）"));
    for text in [&versions, &page, &first, &index] {
        for secret in ["\"wang\"", ">wang<", "sup-a", "admin", doc.as_str(), "重新核实\"", "published_by"] {
            assert!(!text.contains(secret), "a public answer shows {secret}");
        }
    }
    assert_eq!(public(&server, "/public/plans/999999").await.0, StatusCode::NOT_FOUND);
    assert_eq!(public(&server, &format!("/public/plans/{plan}?version=7")).await.0, StatusCode::NOT_FOUND);
    // A draft plan is not published.
    let (_, draft) =
        sup.post("/api/v1/plans", &json!({"name": "草稿", "quarter": "2027Q1", "sampling": {"count": 1}})).await;
    assert_eq!(
        admin.post(&format!("/api/v1/plans/{}/publications", draft["id"]), &json!({})).await.0,
        StatusCode::CONFLICT
    );
    server.stop().await;
}
