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

    // One export across both versions: a column per item id, never shifted.
    let csv = |path: String| {
        let (http, token) = (sup.http.clone(), sup.token.clone());
        async move { http.get(path).bearer_auth(token).send().await.unwrap() }
    };
    let missing = csv(format!("{}/api/v1/inspections/items.csv", server.url)).await;
    assert_eq!(missing.status(), 400, "the export is of one checklist");
    let body =
        csv(format!("{}/api/v1/inspections/items.csv?template=community", server.url)).await.text().await.unwrap();
    let mut lines = body.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |id: &str| header.iter().position(|h| *h == id).unwrap_or_else(|| panic!("no column {id}: {header:?}"));
    let (new_item, old_item, shared) = (col("safety.fire_check"), col("safety.fire_hazard"), col("basic.permit"));
    assert!(new_item < old_item, "the newest version's items come first");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let row_of = |version: &str| rows.iter().find(|r| r.contains(&version)).unwrap();
    let (v2, v1) = (row_of("community@2"), row_of("community@1"));
    assert_eq!((v2[new_item], v2[old_item], v2[shared]), ("3", "", "3"), "{v2:?}");
    assert_eq!((v1[new_item], v1[shared]), ("", "3"), "{v1:?}");
    assert_eq!(v1[old_item], "未答", "the signed version 1 inspection keeps its own items");

    // Device and server converge, on version 2, with the move recorded.
    wang.sync().await;
    let snap = wang.doc(&draft).snapshot().unwrap();
    assert_eq!(snap.template, TemplateRef { id: "community".into(), version: 2 });
    assert_eq!(serde_json::to_value(&snap).unwrap(), after["document"]);
    server.stop().await;
}

/// A centre whose position a bureau copied from a 高德 (GCJ-02) map is stored
/// in WGS-84, so an inspector's phone fix 10 m away is on site; taken as
/// WGS-84 it would be 600 m off and flagged.
#[tokio::test]
async fn a_centre_imported_in_gcj02_is_on_site_with_a_wgs84_fix_10_m_away() {
    let server = TestServer::start().await;
    server.seed();
    let admin = server.api("admin").await;
    // The published reference point (Beijing): WGS-84 39.911954, 116.377817 is GCJ-02 39.91334545536069, 116.38404722455657.
    let header = "code,name,type,province,city,county,township,lat,lon,geofence_m,status,datum,zone\n";
    let csv = format!(
        "{header}G1,高德定位中心,community,河北省,石家庄市,长安区,x,39.91334545536069,116.38404722455657,150,built,gcj02,\n\
         W1,未换算中心,community,河北省,石家庄市,长安区,x,39.91334545536069,116.38404722455657,150,built,,west\n"
    );
    let import = |body: String| {
        let (http, url, token) =
            (admin.http.clone(), format!("{}/api/v1/centres/import", server.url), admin.token.clone());
        async move { http.post(url).bearer_auth(token).header("content-type", "text/csv").body(body).send().await.unwrap() }
    };
    assert_eq!(import(csv).await.status(), 200);
    let bad = format!("{header}B1,坏坐标系,community,河北省,石家庄市,长安区,x,39.9,116.3,150,built,utm,\n");
    let res = import(bad).await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["errors"][0].as_str().unwrap().contains("unknown datum `utm`"), "{body}");

    let (_, g1) = admin.get("/api/v1/centres/G1").await;
    assert_eq!((g1["datum"].as_str(), g1["zone"].as_str()), (Some("gcj02"), None));
    // Metres between two nearby positions (equirectangular: exact enough at this range).
    let metres = |lat: f64, lon: f64, (a, b): (f64, f64)| {
        let (dy, dx) = ((a - lat) * 111_195.0, (b - lon) * 111_195.0 * lat.to_radians().cos());
        dx.hypot(dy)
    };
    let stored = (g1["lat"].as_f64().unwrap(), g1["lon"].as_f64().unwrap());
    assert!(metres(39.911954, 116.377817, stored) < 5.0, "stored in WGS-84: {stored:?}");
    let (_, w1) = admin.get("/api/v1/centres/W1").await;
    assert_eq!((w1["datum"].as_str(), w1["zone"].as_str()), (None, Some("west")), "WGS-84 is the default");

    // The registry form takes the same fields: a position picked on 百度 (BD-09).
    let form = |code: &str, datum: &str, province: &str| {
        json!({"code": code, "name": "百度定位中心", "type": "village", "province": province, "city": "石家庄市",
            "county": "长安区", "township": "x", "lat": "39.915", "lon": "116.404", "datum": datum,
            "geofence_m": "150", "status": "built"})
    };
    let put = |path: String, body: serde_json::Value, token: String| {
        let http = admin.http.clone();
        async move { http.put(path).bearer_auth(token).json(&body).send().await.unwrap() }
    };
    let url = format!("{}/api/v1/centres/B9", server.url);
    let saved = put(url.clone(), form("B9", "bd09", "河北省"), admin.token.clone()).await;
    assert_eq!(saved.status(), 200);
    let b9: serde_json::Value = saved.json().await.unwrap();
    let stored = (b9["lat"].as_f64().unwrap(), b9["lon"].as_f64().unwrap());
    // The published example: BD-09 39.915, 116.404 is WGS-84 39.907253, 116.391384.
    assert!(metres(39.907253214522164, 116.3913836995125, stored) < 5.0, "{stored:?}");
    assert_eq!(b9["datum"], "bd09");
    let bad = put(url.clone(), form("B9", "mars", "河北省"), admin.token.clone()).await;
    assert_eq!(bad.status(), 422);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert!(body["errors"][0].as_str().unwrap().contains("unknown datum `mars`"), "{body}");
    let sup = server.api("sup-a").await;
    assert_eq!(put(url.clone(), form("B9", "bd09", "河北省"), sup.token.clone()).await.status(), 403);
    assert_eq!(put(url.clone(), form("B9", "bd09", "山西省"), admin.token.clone()).await.status(), 403);
    assert_eq!(
        put(url, form("B8", "bd09", "河北省"), admin.token.clone()).await.status(),
        422,
        "the code is the address's"
    );

    // insp-wang stands 10 m north of the true position, on a GNSS fix, and inspects both.
    let mut wang = Device::enrol(&server.url, "wang").await;
    let v2 = builtin_templates().unwrap().into_iter().find(|t| t.id == "community" && t.version == 2).unwrap();
    for code in ["G1", "W1"] {
        let new = NewInspection {
            centre_code: code.into(),
            template: v2.reference(),
            purpose: Default::default(),
            created_by: "wang".into(),
            created_by_name: "wang".into(),
            at: xuncha_server::now_ms(),
        };
        let mut doc = InspectionDoc::create(wang.actor.clone(), &new, &v2).unwrap();
        doc.add_gps_fix(&xuncha_core::document::GpsFix {
            lat: 39.911954 + 10.0 / 111_195.0,
            lon: 116.377817,
            accuracy_m: 8.0,
            source: xuncha_core::document::FixSource::Gnss,
            at: xuncha_server::now_ms(),
            mock: Some(false),
            by: "wang".into(),
            signature: None,
        })
        .unwrap();
        wang.docs.insert(xuncha_core::DocumentId::random(), LocalDoc { doc, ack: Vec::new() });
    }
    wang.sync().await;
    let (_, list) = sup.get("/api/v1/inspections?per_page=50").await;
    let on_site = |code: &str| {
        let row = list["items"].as_array().unwrap().iter().find(|r| r["centre_code"] == code).unwrap();
        row["on_site"].as_str().unwrap_or("none").to_owned()
    };
    assert_eq!(on_site("G1"), "verified");
    assert_ne!(on_site("W1"), "verified", "the unconverted position is hundreds of metres off");
    server.stop().await;
}
