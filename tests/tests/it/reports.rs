//! The quarterly report chain against a real server: a county fills and
//! submits its tables, its city returns them with a comment, the county
//! resubmits, the city approves and consolidates its counties, the province
//! consolidates and reports to the ministry; a county's correction makes
//! the city's and the province's consolidations stale until they are
//! corrected too. Submitted versions never change; each step says who and when.

use calamine::{Data, Reader};
use reqwest::StatusCode;
use serde_json::{Value, json};
use xuncha_server::accounts::store::{Role, Scope};
use xuncha_server::operators::service::due_period;
use xuncha_server::quarter::{offset, quarter_of};
use xuncha_server::reporting::deadlines::ReportDeadlines;
use xuncha_server::reporting::store::ReportLevel;
use xuncha_tests::{Api, TestServer};

fn header(unit: &str) -> Value {
    json!({"unit": unit, "preparer": "李填报", "checker": "王审核", "phone": "0311-86001234"})
}

fn submit(quarter: &str, unit: &str, reason: &str) -> Value {
    json!({"quarter": quarter, "header": header(unit), "reason": reason})
}

async fn figures(sup: &Api, centre: &str, period: &str, turnover_wan: f64) {
    let body = json!({"centre_code": centre, "period": period, "turnover_wan": turnover_wan, "visits": 1000,
        "staff": 5, "merchants": 3, "confirmed": true});
    let (status, body) = sup.post("/api/v1/figures", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn download(api: &Api, path: &str) -> (StatusCode, Vec<u8>) {
    let res = api.http.get(format!("{}{path}", api.url)).bearer_auth(&api.token).send().await.unwrap();
    (res.status(), res.bytes().await.unwrap().to_vec())
}

fn turnover(snapshot: &Value) -> f64 {
    snapshot["attachment5"].as_array().unwrap().iter().map(|r| r["turnover_10k_yuan"].as_f64().unwrap()).sum()
}

fn reporting(snapshot: &Value) -> u64 {
    snapshot["attachment5"].as_array().unwrap().iter().map(|r| r["reporting"].as_u64().unwrap()).sum()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// The seeded servers' users plus 石家庄市's and 河北省's supervisors.
fn chain_users(server: &TestServer) {
    let city = Scope { province: "河北省".into(), city: "石家庄市".into(), county: String::new() };
    server.add_user_in("sup-sjz", Role::Supervisor, city);
    server.add_user("sup-heb", Role::Supervisor, "");
}

#[tokio::test]
async fn a_quarter_goes_up_the_chain_returned_corrected_frozen_and_consolidated() {
    let server = TestServer::start().await;
    server.seed();
    chain_users(&server);
    let (changan, qiaoxi) = (server.api("sup-a").await, server.api("sup-b").await);
    let (city, province) = (server.api("sup-sjz").await, server.api("sup-heb").await);
    let q = due_period();
    figures(&changan, "130102-T01", &q, 12.5).await;

    // The county's board and the preview of what it would submit.
    let (status, board) = changan.get(&format!("/api/v1/reports?quarter={q}")).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    assert_eq!((board["level"].as_str(), board["blocked"].as_str()), (Some("county"), None), "{board}");
    let deadline = ReportDeadlines::default().deadline(&q, ReportLevel::County).unwrap();
    assert_eq!(board["deadline"].as_str(), Some(deadline.as_str()));
    let (_, draft) = changan.get(&format!("/api/v1/reports/draft?quarter={q}")).await;
    let built: u64 =
        draft["snapshot"]["attachment4"].as_array().unwrap().iter().map(|r| r["built"].as_u64().unwrap()).sum();
    assert_eq!(built, 5, "长安区 has five built centres: {draft}");
    assert_eq!(reporting(&draft["snapshot"]), 1);
    let unreported: Vec<&str> =
        draft["snapshot"]["unreported"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(unreported.len(), 4, "who has not reported: {unreported:?}");
    assert!(!unreported.contains(&"130102-T01"));

    // Bad input changes nothing; the quarter still running cannot be reported.
    let mut bad = submit(&q, "长安区商务局", "");
    bad["header"]["phone"] = json!("call me");
    assert_eq!(changan.post("/api/v1/reports", &bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    bad["header"] = json!({"unit": "", "preparer": "x", "checker": "y", "phone": "12345"});
    assert_eq!(changan.post("/api/v1/reports", &bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let now = quarter_of(xuncha_server::now_ms());
    let (status, body) = changan.post("/api/v1/reports", &submit(&now, "长安区商务局", "")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{body}");
    assert_eq!(server.count("SELECT count(*) FROM report_versions"), 0);

    // 长安区 submits; nobody but 石家庄市 reviews it.
    let (status, v1) = changan.post("/api/v1/reports", &submit(&q, "石家庄市长安区商务局", "")).await;
    assert_eq!(status, StatusCode::CREATED, "{v1}");
    assert_eq!(
        (v1["version"].as_u64(), v1["status"].as_str(), v1["submitted_by"].as_str()),
        (Some(1), Some("submitted"), Some("sup-a"))
    );
    let v1_id = id(&v1);
    assert_eq!(changan.post("/api/v1/reports", &submit(&q, "x", "")).await.0, StatusCode::CONFLICT, "awaiting review");
    let review = |decision: &str, comment: &str| json!({"decision": decision, "comment": comment});
    let path = format!("/api/v1/reports/{v1_id}/review");
    assert_eq!(changan.post(&path, &review("approve", "")).await.0, StatusCode::FORBIDDEN, "not its own");
    assert_eq!(qiaoxi.post(&path, &review("approve", "")).await.0, StatusCode::NOT_FOUND, "another county's");
    assert_eq!(qiaoxi.get(&format!("/api/v1/reports/{v1_id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(province.post(&path, &review("approve", "")).await.0, StatusCode::FORBIDDEN, "the city's to review");
    assert_eq!(city.post(&path, &review("return", "")).await.0, StatusCode::UNPROCESSABLE_ENTITY, "a return says why");
    let (status, returned) = city.post(&path, &review("return", "西兆通镇营业额请核实")).await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    assert_eq!((returned["status"].as_str(), returned["reviewed_by"].as_str()), (Some("returned"), Some("sup-sjz")));
    assert!(returned["reviewed_at"].as_i64().unwrap() >= v1["submitted_at"].as_i64().unwrap());
    assert_eq!(city.post(&path, &review("approve", "")).await.0, StatusCode::CONFLICT, "reviewed once");

    // Data changes after submission; version 1 does not.
    figures(&changan, "130102-V01", &q, 3.25).await;
    let (_, v1_again) = changan.get(&format!("/api/v1/reports/{v1_id}")).await;
    assert_eq!(v1_again["snapshot"], v1["snapshot"], "a submitted version is frozen");
    assert_eq!(turnover(&v1_again["snapshot"]), 12.5);
    let (status, v2) = changan.post("/api/v1/reports", &submit(&q, "石家庄市长安区商务局", "已核实并补报北豆村")).await;
    assert_eq!(status, StatusCode::CREATED, "{v2}");
    assert_eq!((v2["version"].as_u64(), turnover(&v2["snapshot"])), (Some(2), 15.75));
    assert_eq!(
        city.post(&format!("/api/v1/reports/{}/review", id(&v2)), &review("approve", "")).await.0,
        StatusCode::OK
    );

    // The city waits for every county; then consolidates them.
    let (_, city_board) = city.get(&format!("/api/v1/reports?quarter={q}")).await;
    assert_eq!((city_board["level"].as_str(), city_board["blocked"].as_str()), (Some("city"), Some("parts_pending")));
    let parts = city_board["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{city_board}");
    let (status, body) = city.post("/api/v1/reports", &submit(&q, "石家庄市商务局", "")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["message"].as_str().unwrap().contains("桥西区"), "{body}");
    figures(&qiaoxi, "130104-C01", &q, 20.0).await;
    let (status, qx) = qiaoxi.post("/api/v1/reports", &submit(&q, "石家庄市桥西区商务局", "")).await;
    assert_eq!(status, StatusCode::CREATED, "{qx}");
    assert_eq!(
        city.post(&format!("/api/v1/reports/{}/review", id(&qx)), &review("approve", "同意")).await.0,
        StatusCode::OK
    );
    let (status, sjz) = city.post("/api/v1/reports", &submit(&q, "石家庄市商务局", "")).await;
    assert_eq!(status, StatusCode::CREATED, "{sjz}");
    assert_eq!(turnover(&sjz["snapshot"]), 35.75, "the counties' approved versions summed");
    assert_eq!(sjz["snapshot"]["parts"].as_array().unwrap().len(), 2);
    assert_eq!(sjz["snapshot"]["pilot"][0]["target"], 10, "石家庄市 has over 10 million residents");

    // The province approves the city and reports to the ministry.
    let (status, _) = province.post("/api/v1/reports", &submit(&q, "河北省商务厅", "")).await;
    assert_eq!(status, StatusCode::CONFLICT, "the city is not approved yet");
    assert_eq!(
        province.post(&format!("/api/v1/reports/{}/review", id(&sjz)), &review("approve", "")).await.0,
        StatusCode::OK
    );
    let (status, heb) = province.post("/api/v1/reports", &submit(&q, "河北省商务厅", "")).await;
    assert_eq!(status, StatusCode::CREATED, "{heb}");
    assert_eq!(heb["status"], "reported", "报送商务部 needs no review in Xuncha");
    assert_eq!(turnover(&heb["snapshot"]), 35.75);

    // 长安区 corrects its accepted report: a reason is required, the chain above goes stale.
    figures(&changan, "130102-C01", &q, 4.0).await;
    assert_eq!(changan.post("/api/v1/reports", &submit(&q, "x", "")).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, v3) = changan.post("/api/v1/reports", &submit(&q, "石家庄市长安区商务局", "补报东关社区营业额")).await;
    assert_eq!(status, StatusCode::CREATED, "{v3}");
    assert_eq!((v3["version"].as_u64(), v3["reason"].as_str()), (Some(3), Some("补报东关社区营业额")));
    assert_eq!(
        city.post(&format!("/api/v1/reports/{}/review", id(&v3)), &review("approve", "")).await.0,
        StatusCode::OK
    );
    let (_, city_board) = city.get(&format!("/api/v1/reports?quarter={q}")).await;
    assert_eq!(city_board["stale"], true, "{city_board}");
    let (status, sjz2) = city.post("/api/v1/reports", &submit(&q, "石家庄市商务局", "长安区更正")).await;
    assert_eq!(status, StatusCode::CREATED, "{sjz2}");
    assert_eq!(
        province.post(&format!("/api/v1/reports/{}/review", id(&sjz2)), &review("approve", "")).await.0,
        StatusCode::OK
    );
    let (_, heb_board) = province.get(&format!("/api/v1/reports?quarter={q}")).await;
    assert_eq!((heb_board["stale"].as_bool(), heb_board["level"].as_str()), (Some(true), Some("province")));
    let (status, heb2) = province.post("/api/v1/reports", &submit(&q, "河北省商务厅", "石家庄市更正")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!((heb2["version"].as_u64(), turnover(&heb2["snapshot"])), (Some(2), 39.75));
    let (_, heb_v1) = province.get(&format!("/api/v1/reports/{}", id(&heb))).await;
    assert_eq!(turnover(&heb_v1["snapshot"]), 35.75, "the version sent first is kept as sent");
    let (_, heb_board) = province.get(&format!("/api/v1/reports?quarter={q}")).await;
    assert_eq!(heb_board["stale"], false);
    assert_eq!(heb_board["versions"].as_array().unwrap().len(), 2);
    let rates = heb_board["timeliness"].as_array().unwrap();
    assert_eq!(rates.len(), 2, "the province's own and its city's: {rates:?}");

    // The official tables of the version sent, opened with a spreadsheet library.
    let (status, xlsx) = download(&province, &format!("/api/v1/reports/{}/tables.xlsx", id(&heb2))).await;
    assert_eq!(status, StatusCode::OK);
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    assert_eq!(book.sheet_names(), ["附件4", "附件5"]);
    let a5 = book.worksheet_range("附件5").unwrap();
    let rows: Vec<Vec<Data>> = a5.rows().map(<[Data]>::to_vec).collect();
    let title = rows[0][0].to_string();
    let quarter_zh = xuncha_server::reporting::official::quarter_zh(&q);
    assert_eq!(title, format!("已建成城乡便民消费服务中心运营情况统计表（{quarter_zh}）"));
    assert!(rows[1][0].to_string().contains("石家庄市更正"), "a correction says so under the title");
    assert_eq!(rows[2][0].to_string(), "填报单位（盖章）：河北省商务厅");
    assert_eq!(rows[3][6].to_string(), "营业额（万元）");
    let total = rows.iter().find(|r| r[0] == "合计").expect("a total row");
    assert_eq!(total[6], Data::Float(39.75), "numbers are numbers");
    assert_eq!(total[3], Data::Float(7.0), "seven built centres in 石家庄市");
    let footer = rows.last().unwrap()[0].to_string();
    assert!(footer.starts_with("填报人：李填报") && footer.contains("联系电话：0311-86001234"), "{footer}");
    let (_, csv) = download(&changan, &format!("/api/v1/reports/{}/attachment4.csv", id(&v3))).await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("\u{feff}城乡便民消费服务中心建设情况统计表（"), "{csv}");
    assert!(csv.contains("\n3,长安区,乡（镇）生活综合服务中心,1,0,0,1"), "a county's rows name the county: {csv}");
    let (_, bilingual) =
        download(&changan, &format!("/api/v1/reports/{}/attachment4.csv?layout=bilingual", id(&v3))).await;
    assert!(String::from_utf8(bilingual).unwrap().contains("已建成 Built"));
    assert_eq!(
        download(&changan, &format!("/api/v1/reports/{}/tables.xlsx?layout=x", id(&v3))).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        changan.get(&format!("/api/v1/reports/{}", id(&heb2))).await.0,
        StatusCode::NOT_FOUND,
        "the province's is not the county's"
    );
    server.stop().await;
}

#[tokio::test]
async fn only_supervisors_and_administrators_of_the_region_touch_its_reports() {
    let server = TestServer::start().await;
    server.seed();
    chain_users(&server);
    let q = due_period();
    let changan = server.api("sup-a").await;
    let (status, v1) = changan.post("/api/v1/reports", &submit(&q, "长安区商务局", "")).await;
    assert_eq!(status, StatusCode::CREATED, "{v1}");
    let op = json!({"username": "op-t01", "display_name": "西兆通运营", "password": "yunying-2026-op",
        "centres": ["130102-T01"]});
    assert_eq!(changan.post("/api/v1/operators", &op).await.0, StatusCode::CREATED);
    let operator = Api::login_with(&server.url, "op-t01", "yunying-2026-op").await;
    let wang = server.api("wang").await;
    for (who, api) in [("an operator", &operator), ("an inspector", &wang)] {
        for path in [format!("/api/v1/reports?quarter={q}"), format!("/api/v1/reports/{}", id(&v1))] {
            assert_eq!(api.get(&path).await.0, StatusCode::FORBIDDEN, "{who} at {path}");
        }
        let (status, _) =
            api.post(&format!("/api/v1/reports/{}/review", id(&v1)), &json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who} reviews");
        assert_eq!(api.post("/api/v1/reports", &submit(&q, "x", "")).await.0, StatusCode::FORBIDDEN, "{who} submits");
    }
    // The country's administrator reads every province; it submits nothing.
    let national = server.add_user_in("national", Role::Administrator, Scope::default());
    assert!(national.scope.province.is_empty());
    let nat = server.api("national").await;
    let (_, board) = nat.get(&format!("/api/v1/reports?quarter={q}")).await;
    assert_eq!((board["level"].clone(), board["blocked"].as_str()), (Value::Null, Some("not_reporting")));
    assert_eq!(board["parts"][0]["region"]["province"], "河北省");
    assert_eq!(nat.post("/api/v1/reports", &submit(&q, "商务部", "")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(nat.get(&format!("/api/v1/reports/{}", id(&v1))).await.0, StatusCode::OK);
    // A quarter that is no quarter, and an old quarter outside the window, answer plainly.
    assert_eq!(changan.get("/api/v1/reports?quarter=2026Q9").await.0, StatusCode::BAD_REQUEST);
    let old = offset(&q, -12).unwrap();
    assert_eq!(changan.get(&format!("/api/v1/reports?quarter={old}")).await.0, StatusCode::OK);
    assert_eq!(server.count("SELECT count(*) FROM report_versions"), 1, "nothing but the one submission");
    server.stop().await;
}
