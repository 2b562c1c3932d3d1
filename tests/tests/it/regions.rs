//! Role and region checks on lists, reports and photos.

use reqwest::StatusCode;
use xuncha_tests::{Device, TestServer};

#[tokio::test]
async fn a_supervisor_of_another_county_is_refused_lists_reports_and_photos() {
    let server = TestServer::start().await;
    server.seed();
    let sup_a = server.api("sup-a").await;
    let doc = sup_a.assign("130102-C01", &["wang"]).await;
    let mut dev = Device::enrol(&server.url, "wang").await;
    dev.sync().await;
    let bytes = xuncha_server::cli::demo::demo_photo(3).unwrap();
    let sha = xuncha_core::photo::sha256_hex(&bytes);
    let photo = xuncha_tests::photo_record(&bytes, "wang");
    dev.doc(&doc).add_photo(&photo).unwrap();
    dev.sync().await;
    let res = dev
        .http
        .patch(format!("{}/api/v1/blobs/{sha}", server.url))
        .bearer_auth(&dev.token)
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "0")
        .header("upload-length", bytes.len().to_string())
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let photo_url = format!("/api/v1/blobs/{sha}");
    let own = [
        format!("/api/v1/inspections/{doc}/report"),
        format!("/api/v1/inspections/{doc}"),
        photo_url.clone(),
        "/api/v1/inspections?county=长安区".to_owned(),
        "/api/v1/centres/130102-C01".to_owned(),
    ];
    for path in &own {
        let res = sup_a.http.get(format!("{}{path}", server.url)).bearer_auth(&sup_a.token).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "own county: {path}");
    }
    let sup_b = server.api("sup-b").await;
    let zhao = server.api("zhao").await;
    for api in [&sup_b, &zhao] {
        for path in &own {
            let res = api.http.get(format!("{}{path}", server.url)).bearer_auth(&api.token).send().await.unwrap();
            // An inspection or photo outside one's reach answers as one that does not exist.
            let hidden = !path.starts_with("/api/v1/centres/") && !path.contains('?');
            let expected = if hidden { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
            assert_eq!(res.status(), expected, "other county: {path}");
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["code"], if hidden { "not_found" } else { "forbidden" });
        }
        let (status, list) = api.get("/api/v1/inspections").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["total"], 0, "nothing of another county is listed");
        let (_, scores) = api.get(&format!("/api/v1/inspections/{doc}/scores")).await;
        assert_eq!(scores["code"], "not_found");
    }
    // An inspector cannot review, nor a supervisor outside the county.
    let wang = server.api("wang").await;
    for (api, expected) in [(&wang, StatusCode::FORBIDDEN), (&sup_b, StatusCode::NOT_FOUND)] {
        let (status, _) =
            api.post(&format!("/api/v1/inspections/{doc}/review"), &serde_json::json!({"status": "approved"})).await;
        assert_eq!(status, expected);
    }
    // Without a session nothing is readable.
    let res = reqwest::get(format!("{}{photo_url}", server.url)).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}
