//! A new template version carries the open drafts: an administrator moves
//! them through the real server, the move reaches the device by sync, and
//! what the device wrote offline on the old version is not lost.

use serde_json::json;
use xuncha_core::document::{Answer, InspectionDoc, NewInspection};
use xuncha_core::template::{Template, TemplateRef, builtin_templates};
use xuncha_tests::TestServer;
use xuncha_tests::device::{Device, LocalDoc};

fn community(version: u32) -> Template {
    builtin_templates().unwrap().into_iter().find(|t| t.id == "community" && t.version == version).unwrap()
}

/// A draft the device starts itself on version 1 of the community template.
fn start_v1(dev: &mut Device, centre: &str) -> String {
    let v1 = community(1);
    let new = NewInspection {
        centre_code: centre.into(),
        template: v1.reference(),
        purpose: Default::default(),
        created_by: dev.username.clone(),
        created_by_name: dev.username.clone(),
        at: xuncha_server::now_ms(),
    };
    let doc = InspectionDoc::create(dev.actor.clone(), &new, &v1).unwrap();
    let id = xuncha_core::DocumentId::random();
    dev.docs.insert(id, LocalDoc { doc, ack: Vec::new() });
    id.to_string()
}

#[tokio::test]
async fn an_administrator_moves_open_drafts_and_offline_edits_on_the_old_version_survive() {
    let server = TestServer::start().await;
    server.seed();
    let v1 = community(1);
    let mut wang = Device::enrol(&server.url, "wang").await;
    let draft = start_v1(&mut wang, "130102-C01");
    wang.answer(&draft, &v1, "basic.permit", Answer::YesNo(true));
    wang.answer(&draft, &v1, "safety.fire_hazard", Answer::YesNo(true));
    wang.answer(&draft, &v1, "safety.food_licence", Answer::YesNo(false));
    wang.answer(&draft, &v1, "basic.facility_area", Answer::Number(700.0));
    // A second inspection, signed off: it keeps the version it was signed on.
    let signed = start_v1(&mut wang, "130102-C02");
    wang.answer(&signed, &v1, "basic.permit", Answer::YesNo(true));
    wang.doc(&signed).sign_off("wang", xuncha_server::now_ms()).unwrap();
    wang.sync().await;
    let mut li = Device::enrol(&server.url, "li").await;
    li.sync().await;

    // Offline, the inspector keeps working on version 1.
    wang.answer(&draft, &v1, "safety.fire_hazard", Answer::YesNo(false));
    wang.answer(&draft, &v1, "safety.gas", Answer::YesNo(true));

    let admin = server.api("admin").await;
    let sup = server.api("sup-a").await;
    let path = "/api/v1/templates/community/2/drafts";
    assert_eq!(sup.get(path).await.0, 403, "administrators move drafts");
    assert_eq!(li.http.get(format!("{}{path}", server.url)).bearer_auth(&li.token).send().await.unwrap().status(), 403);
    let (status, preview) = admin.get(path).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["drafts"], json!([{"version": 1, "count": 1}]), "the signed inspection is not a draft");
    assert_eq!((preview["moved"].as_u64(), preview["has_table"].as_bool()), (Some(0), Some(true)));
    assert_eq!(admin.get("/api/v1/templates/community/9/drafts").await.0, 404);

    let (status, done) = admin.post(path, &json!({})).await;
    assert_eq!((status.as_u16(), done["moved"].as_u64()), (200, Some(1)), "{done}");
    assert_eq!(admin.get(path).await.1["drafts"], json!([]), "nothing left to move");
    let (_, moved) = sup.get(&format!("/api/v1/inspections/{draft}/report")).await;
    assert_eq!(moved["inspection"]["template"], json!({"id": "community", "version": 2}));
    let doc = &moved["document"];
    assert_eq!(doc["answers"]["safety.fire_check"]["answer"], json!({"kind": "choice", "value": "none"}));
    assert_eq!(doc["answers"]["safety.food_permit"]["answer"], json!({"kind": "choice", "value": "unlicensed"}));
    assert_eq!(doc["migrations"][0]["removed"]["basic.facility_area"]["answer"]["value"], 700.0);
    let (_, kept) = sup.get(&format!("/api/v1/inspections/{signed}/report")).await;
    assert_eq!(kept["inspection"]["template"]["version"], 1);

    // The device syncs its offline edits: they are accepted, the clash waits
    // as a conflict the supervisor sees, and the rest lands on version 2.
    wang.sync().await;
    let (_, after) = sup.get(&format!("/api/v1/inspections/{draft}/report")).await;
    let doc = &after["document"];
    assert_eq!(doc["answers"]["safety.gas"]["answer"], json!({"kind": "yes_no", "value": true}));
    assert_eq!(doc["answers"]["safety.fire_check"]["answer"]["value"], "none", "the moved answer stands");
    assert!(doc["answers"].get("safety.fire_hazard").is_none(), "nothing left under the old id");
    let late = &doc["migrations"][1]["conflicting"]["safety.fire_hazard"];
    assert_eq!(late["answer"], json!({"kind": "choice", "value": "suspected_major"}), "{doc}");
    assert_eq!(late["by"], "wang");
    // The report scores on version 2: the unlicensed seller vetoes.
    assert_eq!(after["score"]["report"]["template"]["version"], 2);
    assert_eq!(after["score"]["report"]["vetoes"][0]["item"], "safety.food_permit");

    // Device and server converge, on version 2, with the move recorded.
    wang.sync().await;
    let snap = wang.doc(&draft).snapshot().unwrap();
    assert_eq!(snap.template, TemplateRef { id: "community".into(), version: 2 });
    assert_eq!(serde_json::to_value(&snap).unwrap(), after["document"]);
    server.stop().await;
}
