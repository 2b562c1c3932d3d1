//! Plans and the random draw (双随机) against a real server: plan → draw
//! (once, reproducible from its record) → replace with a reason → confirm
//! into assignments of purpose `random`; other regions see nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};
use xuncha_core::draw::{Candidate, Draw, DrawInput, PoolInspector, Sampling, draw, may_inspect};
use xuncha_server::accounts::store::Role;
use xuncha_tests::TestServer;

fn plan_body() -> Value {
    json!({
        "name": "2026年第四季度长安区双随机抽查",
        "quarter": "2026Q4",
        "sampling": {"count": 1},
        "per_task": 2,
        "seed": "2026Q4-长安",
        "pool": [
            {"username": "wang", "credential": "冀石商执 0012", "conflicts": ["130102-C01"]},
            {"username": "li", "credential": "冀石商执 0013", "county": "长安区", "township": "西兆通镇"},
            {"username": "zhang", "credential": "冀石商执 0014"}
        ]
    })
}

#[tokio::test]
async fn a_plan_is_drawn_once_reproducibly_replaced_with_a_reason_and_confirmed_into_assignments() {
    let server = TestServer::start().await;
    server.seed();
    server.add_user("zhang", Role::Inspector, "长安区");
    let sup = server.api("sup-a").await;

    let (status, plan) = sup.post("/api/v1/plans", &plan_body()).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    assert_eq!((plan["state"].as_str(), plan["purpose"].as_str()), (Some("draft"), Some("random")));
    assert_eq!(plan["scope"]["county"], "长安区", "the supervisor's region");
    let id = plan["id"].as_i64().unwrap();

    let (status, drawn) = sup.post(&format!("/api/v1/plans/{id}/draw"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    assert_eq!(drawn["state"], "drawn");
    let record = &drawn["draw"];
    let centres: Vec<Candidate> = serde_json::from_value(record["centres"].clone()).unwrap();
    let pool: Vec<PoolInspector> = serde_json::from_value(record["pool"].clone()).unwrap();
    let result: Draw = serde_json::from_value(record["result"].clone()).unwrap();
    // 长安区's built centres: a community, a block, a township and two villages; one per stratum.
    assert_eq!(centres.len(), 5, "{centres:?}");
    assert_eq!(result.tasks.len(), 4);
    // Anyone re-running the published algorithm on the record gets the same tasks.
    let input =
        DrawInput { seed: "2026Q4-长安", centres: &centres, pool: &pool, sampling: Sampling::Count(1), per_task: 2 };
    assert_eq!(draw(&input).unwrap(), result);
    for task in &result.tasks {
        let centre = centres.iter().find(|c| c.code == task.centre_code).unwrap();
        for name in &task.inspectors {
            assert!(may_inspect(pool.iter().find(|p| &p.username == name).unwrap(), centre), "回避 kept");
        }
    }
    assert_eq!(record["pool_entries"][0]["credential"], "冀石商执 0012", "credentials recorded with the draw");

    let (status, again) = sup.post(&format!("/api/v1/plans/{id}/draw"), &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a draw is never run again: {again}");

    // A replacement needs a reason and is drawn by the same rules.
    let task = &result.tasks[0];
    let out = &task.inspectors[0];
    let no_reason = json!({"centre_code": task.centre_code, "inspector": out, "reason": " "});
    let (status, _) = sup.post(&format!("/api/v1/plans/{id}/replace"), &no_reason).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = json!({"centre_code": task.centre_code, "inspector": out, "reason": "病假 sick leave"});
    let (status, replaced) = sup.post(&format!("/api/v1/plans/{id}/replace"), &body).await;
    let after: Draw = match status {
        StatusCode::OK => serde_json::from_value(replaced["draw"]["result"].clone()).unwrap(),
        _ => result.clone(),
    };
    let staffed = &after.tasks[0].inspectors;
    let replaced_ok = status == StatusCode::OK;
    if replaced_ok {
        assert!(!staffed.contains(out), "{staffed:?}");
        assert_eq!(&after.tasks[1..], &result.tasks[1..], "other tasks untouched");
    } else {
        // Only when nobody else may inspect the centre.
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{replaced}");
    }

    let (status, confirmed) = sup.post(&format!("/api/v1/plans/{id}/confirm"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert_eq!(confirmed["state"], "confirmed");
    let (_, assignments) = sup.get("/api/v1/assignments?quarter=2026Q4").await;
    let random: Vec<&Value> = assignments.as_array().unwrap().iter().filter(|a| a["purpose"] == "random").collect();
    let seats: usize = after.tasks.iter().map(|t| t.inspectors.len()).sum();
    assert_eq!(random.len(), seats, "one assignment per drawn inspector: {assignments}");
    let (status, _) = sup.post(&format!("/api/v1/plans/{id}/confirm"), &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "confirmed once");
    let (status, _) = sup.post(&format!("/api/v1/plans/{id}/replace"), &body).await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing changes after confirmation");

    let (_, view) = sup.get(&format!("/api/v1/plans/{id}")).await;
    let kinds: Vec<&str> = view["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    let expected: &[&str] = if replaced_ok { &["drawn", "replaced", "confirmed"] } else { &["drawn", "confirmed"] };
    assert_eq!(kinds, expected);

    // Another county's supervisor and an inspector see none of it.
    let other = server.api("sup-b").await;
    let (status, _) = other.get(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, theirs) = other.get("/api/v1/plans").await;
    assert_eq!(theirs.as_array().map(Vec::len), Some(0));
    let inspector = server.api("wang").await;
    let (status, _) = inspector.post("/api/v1/plans", &plan_body()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.stop().await;
}

#[tokio::test]
async fn a_plan_the_pool_cannot_staff_is_refused_with_the_reason_and_stays_a_draft() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let mut body = plan_body();
    body["pool"] = json!([{"username": "wang"}, {"username": "li"}]);
    body["per_task"] = json!(3);
    let (_, plan) = sup.post("/api/v1/plans", &body).await;
    let id = plan["id"].as_i64().unwrap();
    let (status, err) = sup.post(&format!("/api/v1/plans/{id}/draw"), &json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["message"].as_str().unwrap().contains("needs 3 inspectors"), "{err}");
    let (_, view) = sup.get(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(view["plan"]["state"], "draft");

    let mut stranger = plan_body();
    stranger["pool"] = json!([{"username": "zhao"}, {"username": "wang"}]);
    let (_, plan) = sup.post("/api/v1/plans", &stranger).await;
    let id = plan["id"].as_i64().unwrap();
    let (status, err) = sup.post(&format!("/api/v1/plans/{id}/draw"), &json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["message"].as_str().unwrap().contains("zhao"), "an inspector of another county: {err}");

    for bad in [json!({"count": 0}), json!({"per_mille": 1001})] {
        let mut b = plan_body();
        b["sampling"] = bad;
        let (status, _) = sup.post("/api/v1/plans", &b).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    server.stop().await;
}

async fn upload_variant(admin: &xuncha_tests::Api, toml: &str) -> (StatusCode, Value) {
    let res = admin
        .http
        .post(format!("{}/api/v1/templates", admin.url))
        .bearer_auth(&admin.token)
        .header("content-type", "application/toml")
        .body(toml.to_owned())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_variant_made_for_a_purpose_is_the_checklist_of_that_purpose_only() {
    let server = TestServer::start().await;
    server.seed();
    let admin = server.api("admin").await;
    let variant = |id: &str, purposes: &str| {
        format!(
            "format = 1\nid = \"{id}\"\nversion = 1\nprovince = \"河北省\"\n\
             title = {{ zh = \"村级生活综合服务站认定核查表\", en = \"Village station: recognition check\" }}\n\
             base = {{ id = \"village\", version = 1 }}\npurposes = {purposes}\n\
             deadlines = {{ veto = 3, serious = 10, general = 20 }}\n"
        )
    };
    let (status, body) = upload_variant(&admin, &variant("village-hebei-recognition", "[\"recognition\"]")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = upload_variant(&admin, &variant("village-hebei-followup", "[\"follow_up\"]")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the server makes follow-up checklists: {body}");

    let sup = server.api("sup-a").await;
    let assign = |purpose: &str| json!({"centre_code": "130102-V02", "quarter": "2026Q4", "purpose": purpose, "inspectors": ["li"]});
    let (_, recognition) = sup.post("/api/v1/assignments", &assign("recognition")).await;
    assert_eq!(recognition[0]["template"]["id"], "village-hebei-recognition");
    let (_, routine) = sup.post("/api/v1/assignments", &assign("routine")).await;
    assert_eq!(routine[0]["template"]["id"], "village", "a purpose-made variant is not the routine checklist");
    assert_ne!(routine[0]["doc"], recognition[0]["doc"]);
    server.stop().await;
}
