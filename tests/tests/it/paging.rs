//! Keyset paging and streamed exports through the real server, on either
//! backend: walking a list by its `next` links gives every row once, in
//! the same order as numbered pages, for every order; walking back by
//! `prev` gives the same pages; a forged or foreign link is refused; the
//! streamed CSV and GeoJSON hold every row across their chunks.

use serde_json::Value;
use xuncha_core::DocumentId;
use xuncha_core::document::WorkflowStatus as W;
use xuncha_core::scoring::Grade as G;
use xuncha_core::template::TemplateRef;
use xuncha_server::accounts::store::Role;
use xuncha_server::inspections::store::DocMeta;
use xuncha_tests::{Api, TestServer, stored_doc, summary};

/// More than four export chunks (of 500 rows in the export's test).
const DOCS: usize = 2_150;

/// Inspections over the demo centres with ties everywhere: three share each
/// update time, quarters and totals repeat, every seventh is unscored.
fn seed(server: &TestServer) {
    let centres = xuncha_server::cli::demo::demo_centres();
    server.state.store.upsert_centres(&centres, 1).unwrap();
    let quarters = ["2026Q1", "2026Q2", "2026Q3"];
    for chunk in (0..DOCS).collect::<Vec<_>>().chunks(500) {
        let writes = chunk
            .iter()
            .map(|&i| {
                let c = &centres[i % centres.len()];
                let total = (i % 7 != 0).then(|| (i * 37 % 40) as f64 + 60.0);
                let meta = DocMeta {
                    doc: DocumentId::random(),
                    centre_code: c.code.clone(),
                    template: TemplateRef { id: c.centre_type.as_str().into(), version: 1 },
                    purpose: Default::default(),
                    created_by: "insp-wang".into(),
                    created_at: 1_700_000_000_000,
                    quarter: quarters[i % quarters.len()].into(),
                };
                let grade = total.map(|t| if t >= 90.0 { G::Excellent } else { G::Pass });
                stored_doc(
                    meta,
                    summary([W::Draft, W::Submitted, W::Approved][i % 3], total, grade),
                    "insp-wang",
                    vec![0],
                    Vec::new(),
                )
            })
            .collect();
        // Three to an update time.
        let at = 1_700_000_000_000 + (chunk[0] / 3) as i64;
        server.state.store.commit_round(writes, None, at).unwrap();
    }
}

fn docs(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|r| r["doc"].as_str().unwrap().to_owned()).collect()
}

/// Every page of `list`, `per_page` at a time, by `next` links; then
/// back from the last by `prev` links, which must give the same pages.
async fn walk(api: &Api, list: &str, per_page: usize) -> Vec<String> {
    let mut pages: Vec<Value> = Vec::new();
    let mut path = format!("{list}&per_page={per_page}");
    loop {
        let (status, page) = api.get(&path).await;
        assert_eq!(status, 200, "{path}: {page}");
        let next = page["next"].as_str().map(str::to_owned);
        pages.push(page);
        match next {
            Some(token) => path = format!("{list}&per_page={per_page}&after={token}"),
            None => break,
        }
    }
    for i in (1..pages.len()).rev() {
        let token = pages[i]["prev"].as_str().unwrap_or_else(|| panic!("page {} of {list} has no prev", i + 1));
        let (_, back) = api.get(&format!("{list}&per_page={per_page}&before={token}")).await;
        assert_eq!(docs(&back), docs(&pages[i - 1]), "{list}: page {i} again, reached backwards");
    }
    assert!(pages[0]["prev"].is_null(), "the first page has nothing before it");
    pages.iter().flat_map(docs).collect()
}

#[tokio::test]
async fn every_order_walks_by_its_links_as_by_its_page_numbers() {
    let server = TestServer::start().await;
    seed(&server);
    server.add_user("sup-city", Role::Supervisor, "");
    let api = server.api("sup-city").await;
    for sort in ["updated", "total", "centre", "quarter"] {
        for order in ["asc", "desc"] {
            let list = format!("/api/v1/inspections?sort={sort}&order={order}&status=approved");
            let by_links = walk(&api, &list, 97).await;
            let mut by_numbers = Vec::new();
            for n in 1.. {
                let (_, page) = api.get(&format!("{list}&per_page=97&page={n}")).await;
                if page["items"].as_array().unwrap().is_empty() {
                    break;
                }
                by_numbers.extend(docs(&page));
            }
            assert_eq!(by_links.len(), (0..DOCS).filter(|i| i % 3 == 2).count(), "{list}: every approved row");
            assert_eq!(by_links, by_numbers, "{list}: links and numbers agree");
            let unique: std::collections::HashSet<&String> = by_links.iter().collect();
            assert_eq!(unique.len(), by_links.len(), "{list}: no row twice");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn the_registry_walks_by_code_and_forged_links_are_refused() {
    let server = TestServer::start().await;
    seed(&server);
    server.add_user("sup-city", Role::Supervisor, "");
    let api = server.api("sup-city").await;
    let (_, all) = api.get("/api/v1/registry?per_page=200").await;
    let every: Vec<Value> = all["items"].as_array().unwrap().iter().map(|r| r["centre"]["code"].clone()).collect();
    let mut walked = Vec::new();
    let mut path = "/api/v1/registry?per_page=2".to_owned();
    loop {
        let (status, page) = api.get(&path).await;
        assert_eq!(status, 200, "{page}");
        walked.extend(page["items"].as_array().unwrap().iter().map(|r| r["centre"]["code"].clone()));
        match page["next"].as_str() {
            Some(t) => path = format!("/api/v1/registry?per_page=2&after={t}"),
            None => break,
        }
    }
    assert!(every.len() > 2);
    assert_eq!(walked, every);

    let (_, first) = api.get("/api/v1/inspections?per_page=5").await;
    let token = first["next"].as_str().unwrap();
    for bad in [
        // Another order's keys.
        format!("/api/v1/inspections?sort=centre&after={token}"),
        // Another list's.
        format!("/api/v1/registry?after={token}"),
        "/api/v1/inspections?after=not-a-token".to_owned(),
        format!("/api/v1/inspections?after={token}&before={token}"),
        // Well-formed, with a text where the update time goes.
        format!("/api/v1/inspections?after={}", b64(r#"["1 OR 1=1","00000000000000000000000000000000"]"#)),
        // An id that is not hex.
        format!("/api/v1/inspections?after={}", b64(r#"[1,"zz' OR '1'='1' --zzzzzzzzzzzzzzzz"]"#)),
    ] {
        let (status, body) = api.get(&bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(body["code"], "bad_request");
    }
    server.stop().await;
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

#[tokio::test]
async fn a_streamed_export_holds_every_row_across_its_chunks() {
    let server = TestServer::start_with(|c| c.limits.export_chunk = 500).await;
    seed(&server);
    server.add_user("sup-city", Role::Supervisor, "");
    let api = server.api("sup-city").await;
    let res = api
        .http
        .get(format!("{}/api/v1/inspections/export.csv", api.url))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = res.bytes().await.unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("one BOM, at the start")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().get(0), Some("文档 Doc"));
    let rows: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(rows.len(), DOCS, "every inspection, across five chunks");
    let unique: std::collections::HashSet<&String> = rows.iter().collect();
    assert_eq!(unique.len(), DOCS, "no row twice at a chunk's edge");
    let newest_first = walk(&api, "/api/v1/inspections?sort=updated", 200).await;
    assert_eq!(rows, newest_first, "the export keeps the list's order");

    // GeoJSON streams the same chunks: one valid document, each inspection
    // once, at its centre's registered position.
    let res = api
        .http
        .get(format!("{}/api/v1/inspections/export.geojson", api.url))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/geo+json");
    let geo: Value = serde_json::from_slice(&res.bytes().await.unwrap()).expect("one whole JSON document");
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    let docs: Vec<String> = features.iter().map(|f| f["properties"]["doc"].as_str().unwrap().to_owned()).collect();
    assert_eq!(docs, newest_first, "every inspection once, in the list's order");
    let centres = xuncha_server::cli::demo::demo_centres();
    for f in features {
        let code = f["properties"]["centre_code"].as_str().unwrap();
        let c = centres.iter().find(|c| c.code == code).unwrap();
        assert_eq!(f["geometry"]["coordinates"], serde_json::json!([c.lon, c.lat]), "{code}");
    }
    // The per-item export streams the same way, its columns known before its rows.
    let res = api
        .http
        .get(format!("{}/api/v1/inspections/items.csv?template=village", api.url))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    assert!(reader.headers().unwrap().len() > 7, "a column per item of the village checklist");
    let items: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    let villages = walk(&api, "/api/v1/inspections?sort=updated&template=village", 200).await;
    assert!(villages.len() > 500, "across chunks: {}", villages.len());
    assert_eq!(items, villages, "every village inspection once, in the list's order");

    let (status, centres_geo) = api.get("/api/v1/centres/export.geojson").await;
    assert_eq!(status, 200);
    let (_, registry) = api.get("/api/v1/registry?per_page=200").await;
    let codes = |items: &Value, at: &str| -> Vec<Value> {
        items.as_array().unwrap().iter().map(|r| r.pointer(at).unwrap().clone()).collect()
    };
    let registered = codes(&registry["items"], "/centre/code");
    assert!(registered.len() > 2);
    assert_eq!(codes(&centres_geo["features"], "/properties/code"), registered, "the registry's centres, by code");
    server.stop().await;
}
