//! The supervisor dashboard's API against a real server with the demo data:
//! list filters, flags, sorting and paging; the registry and its norms; the
//! quarterly statistics on screen, as CSV and as XLSX, checked against the
//! seeded registry and inspections; exports; region scoping; the page.

use calamine::{Data, Reader};
use serde_json::{Value, json};
use xuncha_tests::{Api, TestServer};

const QUARTER: &str = "2026Q4";

async fn seeded() -> TestServer {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("dashboard.html"), "<!doctype html><title>巡查</title>").unwrap();
    std::fs::create_dir(ui.path().join("assets")).unwrap();
    std::fs::write(ui.path().join("assets/app.js"), "console.log(1)").unwrap();
    std::fs::write(ui.path().join("secret.txt"), "not served").unwrap();
    let ui_dir = ui.keep();
    let server = TestServer::start_with(|c| c.ui_dir = Some(ui_dir)).await;
    let state = server.state.clone();
    tokio::task::spawn_blocking(move || xuncha_server::cli::demo::seed(&state).unwrap()).await.unwrap();
    server
}

/// Signs in as a demo user (the demo's password).
async fn demo_api(server: &TestServer, username: &str) -> Api {
    Api::login_with(&server.url, username, xuncha_server::cli::demo::PASSWORD).await
}

async fn get_text(server: &TestServer, token: &str, path: &str) -> (reqwest::StatusCode, String, Vec<u8>) {
    let res = reqwest::Client::new().get(format!("{}{path}", server.url)).bearer_auth(token).send().await.unwrap();
    let status = res.status();
    let mime = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, mime, res.bytes().await.unwrap().to_vec())
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM for Excel")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[tokio::test]
async fn lists_filter_flag_sort_and_page_within_the_region() {
    let server = seeded().await;
    let sup = demo_api(&server, "sup-changan").await;
    let (_, all) = sup.get("/api/v1/inspections?quarter=2026Q4").await;
    assert_eq!(all["total"], 6, "four assigned inspections in 长安区, a random check and one an inspector started");
    let (_, random) = sup.get("/api/v1/inspections?quarter=2026Q4&purpose=random").await;
    assert_eq!(random["total"], 1);
    assert_eq!(random["items"][0]["centre_code"], "130102-T01");
    let (_, returned) = sup.get("/api/v1/inspections?status=returned").await;
    assert_eq!(returned["items"][0]["centre_code"], "130102-C01");
    let (_, by_type) = sup.get("/api/v1/inspections?type=village&township=西兆通镇").await;
    assert_eq!(by_type["total"], 1);
    // Demo positions are GNSS fixes at the centre: all verified, none flagged.
    let (_, flagged) = sup.get("/api/v1/inspections?flag=not_verified,veto").await;
    assert_eq!(flagged["total"], 0);
    let (status, _) = sup.get("/api/v1/inspections?flag=nonsense").await;
    assert_eq!(status, 400);
    let (_, asc) = sup.get("/api/v1/inspections?sort=total&order=asc").await;
    let totals: Vec<f64> = asc["items"].as_array().unwrap().iter().filter_map(|i| i["total"].as_f64()).collect();
    assert!(totals.windows(2).all(|w| w[0] <= w[1]), "ascending totals: {totals:?}");
    let (_, page2) = sup.get("/api/v1/inspections?per_page=3&page=2").await;
    assert_eq!((page2["items"].as_array().unwrap().len(), page2["total"].as_u64()), (3, Some(6)));

    // Another county's supervisor sees none of it, by any route.
    let other = demo_api(&server, "sup-qiaoxi").await;
    let (_, theirs) = other.get("/api/v1/inspections").await;
    assert!(theirs["items"].as_array().unwrap().iter().all(|i| i["region"]["county"] == "桥西区"));
    let (status, _) = other.get("/api/v1/inspections?county=长安区").await;
    assert_eq!(status, 403);
    let doc = all["items"][0]["doc"].as_str().unwrap();
    assert_eq!(other.get(&format!("/api/v1/inspections/{doc}/report")).await.0, 404, "as if it did not exist");
    let (_, registry) = other.get("/api/v1/registry").await;
    assert!(registry["items"].as_array().unwrap().iter().all(|r| r["centre"]["region"]["county"] == "桥西区"));
    assert_eq!(other.get("/api/v1/centres/130102-C01/overview").await.0, 403);
    let (_, csv) = other.get("/api/v1/regions").await;
    assert_eq!(csv[0]["counties"].as_array().unwrap().len(), 1, "only their county");
    server.stop().await;
}

#[tokio::test]
async fn registry_norms_trend_and_exports() {
    let server = seeded().await;
    let sup = demo_api(&server, "sup-qiaoxi").await;
    let (_, reg) = sup.get("/api/v1/registry?type=community").await;
    let c01 = &reg["items"][0];
    assert_eq!(c01["centre"]["code"], "130104-C01");
    // 维明社区, an older community: the 10% norm is for new ones; 1,100 m² of
    // comprehensive service facilities for 4,500 households is 24.44 per 100 (norm 30).
    let weiming = &c01["norms"][0];
    assert_eq!((weiming["name"].as_str(), weiming["is_new"].as_bool()), (Some("维明社区"), Some(false)));
    assert_eq!((weiming["facility_ratio"].clone(), weiming["ratio_ok"].clone()), (Value::Null, Value::Null));
    assert_eq!(
        (weiming["service_per_100_households_m2"].as_f64(), weiming["per_100_ok"].as_bool()),
        (Some(24.44), Some(false))
    );
    let (_, planned) = sup.get("/api/v1/registry?status=planned").await;
    assert_eq!(planned["items"][0]["centre"]["code"], "130104-B01");

    let admin = demo_api(&server, "hebei-admin").await;
    let (_, overview) = admin.get("/api/v1/centres/130102-T01/overview").await;
    assert_eq!(overview["trend"][0]["quarter"], QUARTER, "a signed inspection makes a trend point");
    assert_eq!(overview["inspections"].as_array().unwrap().len(), 2, "the routine inspection and the random check");

    // A new 250,000 m² community: facilities of 10.4% and 32.14 m² per 100 households meet both norms.
    let (_, dongguan) = admin.get("/api/v1/centres/130102-C01/overview").await;
    let n = &dongguan["norms"][0];
    assert_eq!((n["facility_ratio"].as_f64(), n["ratio_ok"].as_bool()), (Some(0.104), Some(true)), "{n}");
    assert_eq!((n["service_per_100_households_m2"].as_f64(), n["per_100_ok"].as_bool()), (Some(32.14), Some(true)));

    // Communities are imported as the registry is: a bad row refuses the whole file.
    let import = |csv: String| {
        let req = admin.http.post(format!("{}/api/v1/communities/import", admin.url)).bearer_auth(&admin.token);
        req.header("content-type", "text/csv").body(csv).send()
    };
    let header = "code,name,province,city,county,township,new,total_floor_area_m2,facility_area_m2,service_facility_area_m2,households,centre_code\n";
    let good = format!("{header}130102-S09,新社区,河北省,石家庄市,长安区,,是,100000,9000,400,1500,130102-C01\n");
    let bad = format!("{good}130102-S10,错社区,河北省,石家庄市,长安区,,也许,,,,10,130104-C01\n");
    let res = import(bad).await.unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    let (_, again) = admin.get("/api/v1/centres/130102-C01/overview").await;
    assert_eq!(again["norms"].as_array().unwrap().len(), 1, "nothing was imported");
    let elsewhere = format!("{header}130102-S10,错社区,河北省,石家庄市,长安区,,否,,,,10,130104-C01\n");
    assert_eq!(import(elsewhere).await.unwrap().status(), 422, "a centre of another county");
    assert_eq!(import(good.clone()).await.unwrap().status(), 200);
    let (_, two) = admin.get("/api/v1/centres/130102-C01/overview").await;
    assert_eq!(two["norms"][1]["ratio_ok"], false, "9% of a new community's floor area: {two}");
    let county_sup = sup.http.post(format!("{}/api/v1/communities/import", sup.url)).bearer_auth(&sup.token);
    let res = county_sup.header("content-type", "text/csv").body(good).send().await.unwrap();
    assert_eq!(res.status(), 403, "administrators import");

    let (status, mime, body) = get_text(&server, &admin.token, "/api/v1/centres/export.csv").await;
    assert_eq!((status.as_u16(), mime.as_str()), (200, "text/csv; charset=utf-8"));
    assert_eq!(csv_rows(&body).len(), 9, "every centre of the province");
    let c01_row = csv_rows(&body).into_iter().find(|r| r[0] == "130102-C01").unwrap();
    assert!(c01_row.iter().any(|c| c == "东关社区（新建）；新社区（新建）"), "{c01_row:?}");
    let (_, _, geo) = get_text(&server, &admin.token, "/api/v1/inspections/export.geojson?county=长安区").await;
    let geo: Value = serde_json::from_slice(&geo).unwrap();
    assert_eq!(geo["features"].as_array().unwrap().len(), 6);
    assert_eq!(geo["features"][0]["geometry"]["type"], "Point");
    let (_, _, insp_csv) = get_text(&server, &admin.token, "/api/v1/inspections/export.csv?status=returned").await;
    assert_eq!(csv_rows(&insp_csv).len(), 1);
    // Each inspection names the checklist version it is scored on.
    let text = String::from_utf8(insp_csv.clone()).unwrap();
    assert!(text.contains("检查表 Template") && text.contains("community@2"), "{text}");

    let insp = demo_api(&server, "insp-wang").await;
    assert_eq!(insp.get("/api/v1/registry").await.0, 403, "inspectors use the app");
    assert_eq!(insp.get("/api/v1/stats/quarterly").await.0, 403);
    server.stop().await;
}

#[tokio::test]
async fn quarterly_statistics_match_the_seeded_registry_and_inspections() {
    let server = seeded().await;
    let admin = demo_api(&server, "hebei-admin").await;
    let (status, stats) = admin.get("/api/v1/stats/quarterly?quarter=2026Q4&province=河北省").await;
    assert_eq!(status, 200);
    let a4 = stats["attachment4"].as_array().unwrap();
    let row = |t: &str| a4.iter().find(|r| r["centre_type"] == t).unwrap().clone();
    let counts = |t: &str| {
        let r = row(t);
        (r["built"].as_u64().unwrap(), r["under_construction"].as_u64().unwrap(), r["planned"].as_u64().unwrap())
    };
    assert_eq!(counts("community"), (2, 1, 0));
    assert_eq!(counts("block"), (1, 0, 1));
    assert_eq!(counts("township"), (1, 0, 0));
    assert_eq!(counts("village"), (3, 0, 0));

    // Attachment 5 of 2026Q3 (the statistics period) sums what the centres
    // reported of it themselves, and for the others what the newest official
    // inspection of 2026Q4 observed of it (an inspection asks for the last
    // complete quarter; the township centre has a routine and a random
    // check); the signed ad-hoc one awaits approval.
    let (_, period) = admin.get("/api/v1/stats/quarterly?quarter=2026Q3&province=河北省").await;
    let (_, coverage) = admin.get("/api/v1/figures/coverage?period=2026Q3").await;
    let own: std::collections::BTreeMap<&str, f64> = coverage
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| Some((r["centre_code"].as_str()?, r["figures"]["turnover_wan"].as_f64()?)))
        .collect();
    assert_eq!(own.len(), 2, "the demo operator's two centres reported 2026Q3: {coverage}");
    let (_, list) = admin.get("/api/v1/inspections?quarter=2026Q4&per_page=50").await;
    let items = list["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["status"] == "submitted" && i["official"] == false));
    let mut newest: std::collections::BTreeMap<&str, &Value> = std::collections::BTreeMap::new();
    for i in items.iter().filter(|i| i["official"] == true) {
        let centre = i["centre_code"].as_str().unwrap();
        if newest.get(centre).is_none_or(|n| n["updated_at"].as_i64() < i["updated_at"].as_i64()) {
            newest.insert(centre, i);
        }
    }
    let (mut expected_turnover, mut reporting) = (own.values().sum::<f64>(), own.len() as u64);
    for (centre, i) in &newest {
        let (_, report) = admin.get(&format!("/api/v1/inspections/{}/report", i["doc"].as_str().unwrap())).await;
        let figures = &report["score"]["report"]["figures"];
        if let Some(t) = figures["turnover10k_yuan"].as_f64().filter(|_| !own.contains_key(centre)) {
            expected_turnover += t;
            reporting += 1;
        }
    }
    assert!(reporting >= 3, "the signed village inspection records figures beside the two reports");
    let a5 = period["attachment5"].as_array().unwrap();
    assert_eq!(a5.iter().map(|r| r["self_reported"].as_u64().unwrap()).sum::<u64>(), 2);
    let turnover: f64 = a5.iter().map(|r| r["turnover_10k_yuan"].as_f64().unwrap()).sum();
    assert!((turnover - expected_turnover).abs() < 0.01, "{turnover} vs {expected_turnover}");
    assert_eq!(a5.iter().map(|r| r["reporting"].as_u64().unwrap()).sum::<u64>(), reporting);
    let pilot = &stats["pilot"].as_array().unwrap();
    let sjz = pilot.iter().find(|p| p["city"] == "石家庄市").unwrap();
    assert_eq!((sjz["target"].as_u64(), sjz["built"].as_u64(), sjz["met"].as_bool()), (Some(10), Some(7), Some(false)));
    // Under construction beside built; two were built by the end of the 2018 pilot (the registry's dates).
    let baseline = (sjz["under_construction"].as_u64(), sjz["built_2018q4"].as_u64(), sjz["met_2018q4"].as_bool());
    assert_eq!(baseline, (Some(1), Some(2), Some(false)));
    assert_eq!(pilot.iter().find(|p| p["city"] == "邯郸市").unwrap()["target"], 5);
    // A county's supervisor sees their county's counts, and no city target to fail against.
    let (_, county) = demo_api(&server, "sup-changan").await.get("/api/v1/stats/quarterly?quarter=2026Q4").await;
    assert!(county["pilot"].as_array().unwrap().is_empty(), "{}", county["pilot"]);
    assert!(!county["attachment4"].as_array().unwrap().is_empty());

    // The downloads carry the same numbers.
    let q = "quarter=2026Q4&province=河北省";
    let (_, _, a4csv) = get_text(&server, &admin.token, &format!("/api/v1/stats/attachment4.csv?{q}")).await;
    let rows = csv_rows(&a4csv);
    let total = rows.last().unwrap();
    assert_eq!(&total[2..6], ["7", "1", "1", "9"], "built, under construction, planned, total");
    let q3 = "quarter=2026Q3&province=河北省";
    let (_, _, a5csv) = get_text(&server, &admin.token, &format!("/api/v1/stats/attachment5.csv?{q3}")).await;
    let csv_turnover: f64 = csv_rows(&a5csv).last().unwrap()[5].parse().unwrap();
    assert!((csv_turnover - expected_turnover).abs() < 0.01);
    let (status, mime, xlsx) = get_text(&server, &admin.token, &format!("/api/v1/stats/quarterly.xlsx?{q}")).await;
    assert_eq!(status, 200);
    assert!(mime.contains("spreadsheetml"));
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    assert_eq!(book.sheet_names(), ["附件4 Attachment 4", "附件5 Attachment 5", "试点目标 Pilot targets"]);
    let sheet = book.worksheet_range("附件4 Attachment 4").unwrap();
    let last = sheet.rows().next_back().unwrap();
    assert_eq!(last[2], Data::Float(7.0), "numbers are numbers in the workbook");

    // A county supervisor's statistics cover their county only; another province is refused.
    let sup = demo_api(&server, "sup-qiaoxi").await;
    let (_, mine) = sup.get("/api/v1/stats/quarterly?quarter=2026Q4").await;
    let built: u64 = mine["attachment4"].as_array().unwrap().iter().map(|r| r["built"].as_u64().unwrap()).sum();
    assert_eq!(built, 2, "桥西区 has two built centres");
    assert_eq!(sup.get("/api/v1/stats/quarterly?province=山西省").await.0, 403);
    assert_eq!(admin.get("/api/v1/stats/quarterly?quarter=2026Q9").await.0, 400);

    let (_, charts) = admin.get("/api/v1/stats/charts?quarter=2026Q4").await;
    let graded: u64 = charts["grades"].as_array().unwrap().iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(graded, newest.len() as u64, "each centre's newest official result of the quarter, once");

    // The last complete quarter's reports, half way up the chain: the city
    // has 长安区's second version approved and 桥西区's to review.
    let city = demo_api(&server, "sup-shijiazhuang").await;
    let (_, board) = city.get("/api/v1/reports?quarter=2026Q3").await;
    assert_eq!((board["level"].as_str(), board["blocked"].as_str()), (Some("city"), Some("parts_pending")), "{board}");
    let part =
        |county: &str| board["parts"].as_array().unwrap().iter().find(|p| p["region"]["county"] == county).cloned();
    let changan = part("长安区").unwrap();
    assert_eq!((changan["accepted"].as_u64(), changan["latest"]["status"].as_str()), (Some(2), Some("approved")));
    let by = (changan["latest"]["submitted_by_name"].as_str(), changan["latest"]["reviewed_by_name"].as_str());
    assert_eq!(by, (Some("长安区商务局 张科长"), Some("石家庄市商务局 陈科长")), "names as the accounts give them");
    assert_eq!(part("桥西区").unwrap()["latest"]["status"], "submitted");
    server.stop().await;
}

#[tokio::test]
async fn the_dashboard_page_is_served_with_a_strict_policy_and_nothing_else() {
    let server = seeded().await;
    let http = reqwest::Client::new();
    let page = http.get(format!("{}/", server.url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(page.text().await.unwrap().contains("巡查"));
    assert_eq!(http.get(format!("{}/assets/app.js", server.url)).send().await.unwrap().status(), 200);
    assert_eq!(http.get(format!("{}/secret.txt", server.url)).send().await.unwrap().status(), 404);
    assert_eq!(http.get(format!("{}/assets/../secret.txt", server.url)).send().await.unwrap().status(), 404);
    server.stop().await;
}

/// Attachment 4 of a past quarter counts a centre as it stood when that
/// quarter ended, not as the registry says today.
#[tokio::test]
async fn attachment4_counts_each_centre_as_it_stood_at_the_end_of_the_quarter() {
    use xuncha_core::CentreStatus::{Built, Planned, UnderConstruction};
    use xuncha_server::quarter::quarter_end;
    let server = seeded().await;
    let admin = demo_api(&server, "hebei-admin").await;
    let community = |stats: &Value| {
        let a4 = stats["attachment4"].as_array().unwrap();
        let r = a4.iter().find(|r| r["centre_type"] == "community" && r["city"] == "石家庄市").unwrap();
        (r["built"].as_u64().unwrap(), r["under_construction"].as_u64().unwrap(), r["planned"].as_u64().unwrap())
    };
    let stats = |q: &'static str| {
        let admin = &admin;
        async move { admin.get(&format!("/api/v1/stats/quarterly?quarter={q}&province=河北省")).await.1 }
    };
    // The demo's centres were registered today: earlier quarters read their first recorded status.
    let base = community(&stats("2026Q2").await);
    assert_eq!(base, (2, 1, 0));

    // A new community centre: planned in Q2, under construction in Q3, built early in Q4.
    let mut centre = xuncha_server::cli::demo::demo_centres()
        .into_iter()
        .find(|c| c.centre_type == xuncha_core::CentreType::Community)
        .unwrap();
    centre.code = "130102-C99".into();
    for (status, at) in [
        (Planned, quarter_end("2026Q2").unwrap() - 86_400_000),
        (UnderConstruction, quarter_end("2026Q3").unwrap() - 86_400_000),
        (Built, quarter_end("2026Q3").unwrap() + 86_400_000),
    ] {
        centre.status = status;
        server.state.store.upsert_centres(std::slice::from_ref(&centre), at).unwrap();
    }
    assert_eq!(community(&stats("2026Q2").await), (2, 1, 1), "planned when Q2 ended");
    assert_eq!(community(&stats("2026Q3").await), (2, 2, 0), "under construction when Q3 ended");
    assert_eq!(community(&stats("2026Q4").await), (3, 1, 0), "built in Q4");
    // Importing the same status again adds no history.
    server.state.store.upsert_centres(std::slice::from_ref(&centre), xuncha_server::now_ms()).unwrap();
    assert_eq!(server.count("SELECT count(*) FROM centre_status WHERE code = '130102-C99'"), 3);
}

#[tokio::test]
async fn analysis_shows_where_the_region_loses_points() {
    let server = seeded().await;
    let admin = demo_api(&server, "hebei-admin").await;
    let (status, a) = admin.get(&format!("/api/v1/analysis?quarter={QUARTER}")).await;
    assert_eq!(status, 200, "{a}");
    // Items lose points in the demo's weak visits; each list is worst first and titled in Chinese.
    let items = a["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let rates: Vec<f64> =
        items.iter().filter(|i| i["centre_type"] == "township").map(|i| i["lost_rate"].as_f64().unwrap()).collect();
    assert!(rates.windows(2).all(|w| w[0] >= w[1]), "worst first: {rates:?}");
    assert!(items.iter().all(|i| i["lost_points"].as_f64().unwrap() > 0.0), "only items that lost points");
    assert_eq!(items[0]["title_zh"], "火灾隐患检查情况");
    let counties: Vec<&str> =
        a["by_county"].as_array().unwrap().iter().map(|c| c["county"].as_str().unwrap()).collect();
    assert_eq!(counties, ["桥西区", "长安区"]);
    let ranked: Vec<&str> = a["ranking"].as_array().unwrap().iter().map(|c| c["county"].as_str().unwrap()).collect();
    assert_eq!(ranked.len(), 2, "{ranked:?}");
    assert_eq!(a["ranking"][0]["rank"], 1);
    // 整改销号率: 长安区 issued two problems (one overdue), 桥西区 three; none closed yet.
    let closure =
        |county: &str| a["closure"].as_array().unwrap().iter().find(|c| c["county"] == county).cloned().unwrap();
    assert_eq!((closure("长安区")["issued"].as_u64(), closure("长安区")["overdue"].as_u64()), (Some(2), Some(1)));
    assert_eq!((closure("桥西区")["issued"].as_u64(), closure("桥西区")["rate"].as_f64()), (Some(3), Some(0.0)));
    // 报送及时率 of the province and its city; the trend per quarter.
    assert_eq!(a["timeliness"].as_array().unwrap().len(), 2);
    assert_eq!(a["trend"].as_array().unwrap().last().unwrap()["quarter"], QUARTER);
    // A county sees its own county only; inspectors and a quarter that is no quarter are refused.
    let (_, county) = demo_api(&server, "sup-qiaoxi").await.get(&format!("/api/v1/analysis?quarter={QUARTER}")).await;
    let counties: Vec<&str> =
        county["by_county"].as_array().unwrap().iter().map(|c| c["county"].as_str().unwrap()).collect();
    assert_eq!(counties, ["桥西区"]);
    assert_eq!(demo_api(&server, "insp-wang").await.get("/api/v1/analysis").await.0, 403);
    assert_eq!(admin.get("/api/v1/analysis?quarter=2026Q9").await.0, 400);
    server.stop().await;
}

#[tokio::test]
async fn a_model_centre_is_nominated_publicised_objected_to_and_decided_by_the_province() {
    let server = seeded().await;
    let (county, province) = (demo_api(&server, "sup-changan").await, demo_api(&server, "hebei-admin").await);
    let case = json!({"title": "镇村联动的一站式生活服务", "summary": "西兆通镇中心整合商超、邮政快递、家政维修和农资服务，\
        统一收银与配送，服务半径覆盖全镇十二个村。", "practices": ["统一配送到村", "便民服务清单公示"]});
    // Only a centre whose latest official result is 优秀 without a veto, with no problem in rectification.
    let (status, body) = county.post("/api/v1/exemplars", &json!({"centre_code": "130102-V01", "case": case})).await;
    assert_eq!(status, 409, "北豆村 passed, not 优秀: {body}");
    let (status, _) = county
        .post("/api/v1/exemplars", &json!({"centre_code": "130102-T01", "case": {"title": "x", "summary": "短"}}))
        .await;
    assert_eq!(status, 422, "a case needs its write-up");
    // The demo nominated 西兆通镇 (its random check was 优秀) and the province publicised it.
    let (_, listed) = county.get("/api/v1/exemplars").await;
    let e = listed.as_array().unwrap().iter().find(|e| e["centre_code"] == "130102-T01").cloned().unwrap();
    assert_eq!((e["state"].as_str(), e["basis"]["grade"].as_str()), (Some("publicized"), Some("excellent")), "{e}");
    let id = e["id"].as_i64().unwrap();
    let until = e["comment_until"].as_str().unwrap().to_owned();
    assert_eq!(
        county.post("/api/v1/exemplars", &json!({"centre_code": "130102-T01", "case": case})).await.0,
        409,
        "once"
    );
    let qiaoxi = demo_api(&server, "sup-qiaoxi").await;
    assert_eq!(qiaoxi.get(&format!("/api/v1/exemplars/{id}")).await.0, 404, "another county's");
    assert_eq!(get_text(&server, &qiaoxi.token, &format!("/api/v1/exemplars/{id}/case")).await.0, 404);
    let publicize = json!({"action": "publicize", "until": "2099-01-01"});
    assert_eq!(qiaoxi.post(&format!("/api/v1/exemplars/{id}/actions"), &publicize).await.0, 404);

    // The province decides; a county may not.
    let path = format!("/api/v1/exemplars/{id}/actions");
    assert_eq!(county.post(&path, &json!({"action": "reject", "reason": "县级不能决定"})).await.0, 403);
    let (status, _) = province.post(&path, &json!({"action": "objection", "text": "群众反映周末营业时间缩短"})).await;
    assert_eq!(status, 200);
    let (status, body) = province.post(&path, &json!({"action": "recognise"})).await;
    assert_eq!(status, 409, "not before the publicity ends: {body}");
    // The public page shows it, with no official's name.
    let page = reqwest::get(format!("{}/public/exemplars", server.url)).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("西兆通镇生活综合服务中心") && page.contains("镇村联动的一站式生活服务") && page.contains(&until)
    );
    assert!(!page.contains("sup-changan") && !page.contains("hebei-admin") && !page.contains("周末营业时间"));
    // The case write-up prints for the file (三(七)).
    let (status, _, html) = get_text(&server, &county.token, &format!("/api/v1/exemplars/{id}/case")).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8(html).unwrap().contains("统一配送到村"));
    let (_, one) = county.get(&format!("/api/v1/exemplars/{id}")).await;
    let kinds: Vec<&str> = one["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["nominated", "publicized", "objection"], "each step, who and when");
    assert_eq!(one["events"][0]["by"], "sup-changan");
    let (status, r) = province.post(&path, &json!({"action": "reject", "reason": "异议核实属实"})).await;
    assert_eq!((status.as_u16(), r["state"].as_str()), (200, Some("rejected")));
    assert_eq!(province.post(&path, &json!({"action": "reject", "reason": "再次"})).await.0, 409, "decided once");
    let (status, again) = county.post("/api/v1/exemplars", &json!({"centre_code": "130102-T01", "case": case})).await;
    assert_eq!(status, 201, "a rejected centre may be nominated again later: {again}");

    // Recognised once its publicity has ended (the clock moved on here by
    // rewinding the date), then flagged for 复核 when a problem goes overdue.
    let id2 = again["id"].as_i64().unwrap();
    let path2 = format!("/api/v1/exemplars/{id2}/actions");
    let too_short = json!({"action": "publicize", "until": xuncha_server::dates::today()});
    assert_eq!(province.post(&path2, &too_short).await.0, 422, "a publicity of five days at least");
    assert_eq!(province.post(&path2, &json!({"action": "publicize", "until": until})).await.0, 200);
    server.execute(&format!("UPDATE exemplars SET comment_until = '2020-01-01' WHERE id = {id2}"));
    let (status, rec) = province.post(&path2, &json!({"action": "recognise"})).await;
    assert_eq!(
        (status.as_u16(), rec["state"].as_str(), rec["review_due"].clone()),
        (200, Some("recognised"), Value::Null),
        "{rec}"
    );
    let (_, probs) = county.get("/api/v1/problems?centre=130102-T01").await;
    let problem = probs["items"][0]["id"].as_i64().unwrap();
    assert_eq!(county.post("/api/v1/notices", &json!({"problems": [problem]})).await.0, 201);
    server.execute(&format!("UPDATE problems SET deadline = '2020-01-01' WHERE id = {problem}"));
    let (_, flagged) = province.get(&format!("/api/v1/exemplars/{id2}")).await;
    assert!(flagged["review_due"].as_str().unwrap_or_default().contains("逾期"), "{flagged}");
    assert_eq!(demo_api(&server, "insp-wang").await.get("/api/v1/exemplars").await.0, 403);
    server.stop().await;
}
