//! Sign-in, devices, templates with ETags, the centre registry, OpenAPI, and the command line.

use reqwest::StatusCode;
use std::process::Command;
use xuncha_tests::{Device, PASSWORD, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_server-under-test");

#[tokio::test]
async fn sign_in_is_rate_limited_and_disabled_users_and_revoked_devices_are_locked_out() {
    let server = TestServer::start().await;
    server.seed();
    let http = reqwest::Client::new();
    let login = |password: &'static str| {
        let http = http.clone();
        let url = format!("{}/api/v1/login", server.url);
        async move {
            http.post(url).json(&serde_json::json!({"username": "wang", "password": password})).send().await.unwrap()
        }
    };
    for _ in 0..6 {
        assert_eq!(login("wrong-password").await.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = login(PASSWORD).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS, "after six failures even the right password waits");
    assert!(limited.headers().contains_key("retry-after"));

    let dev = Device::enrol(&server.url, "li").await;
    let me = |token: String| {
        let http = http.clone();
        let url = format!("{}/api/v1/me", server.url);
        async move { http.get(url).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(me(dev.token.clone()).await, StatusCode::OK);
    let sup = server.api("sup-a").await;
    let res = http
        .delete(format!("{}/api/v1/devices/{}", server.url, dev.device_id))
        .bearer_auth(&sup.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a supervisor does not revoke devices");
    let own = server.api("li").await;
    let res = http
        .delete(format!("{}/api/v1/devices/{}", server.url, dev.device_id))
        .bearer_auth(&own.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(dev.token.clone()).await, StatusCode::UNAUTHORIZED, "a revoked device is locked out");

    let zhao = server.api("zhao").await;
    server.state.store.set_user_disabled("zhao", true).unwrap();
    assert_eq!(me(zhao.token.clone()).await, StatusCode::UNAUTHORIZED, "a disabled user's session ends");
    assert_eq!(me("xs_forged".into()).await, StatusCode::UNAUTHORIZED);
    // Secrets are stored hashed.
    assert_eq!(server.count("SELECT count(*) FROM users WHERE password_hash NOT LIKE '$argon2id$%'"), 0);
    assert_eq!(server.count("SELECT count(*) FROM devices WHERE length(token_hash) != 32"), 0);
    server.stop().await;
}

#[tokio::test]
async fn templates_revalidate_with_etags_and_variants_are_published_by_provincial_administrators() {
    let server = TestServer::start().await;
    server.seed();
    let dev = Device::enrol(&server.url, "wang").await;
    let url = format!("{}/api/v1/templates/community/1", server.url);
    let first = dev.http.get(&url).bearer_auth(&dev.token).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = dev.http.get(&url).bearer_auth(&dev.token).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let list = dev.http.get(format!("{}/api/v1/templates", server.url)).bearer_auth(&dev.token).send().await.unwrap();
    let list_etag = list.headers()["etag"].to_str().unwrap().to_owned();
    let listed: serde_json::Value = list.json().await.unwrap();
    // The current version of each centre type's template, and version 1 kept for its inspections.
    let versions: Vec<(String, u64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap().to_owned(), t["version"].as_u64().unwrap()))
        .collect();
    assert_eq!(versions.len(), 8, "{versions:?}");
    assert!(["community", "block", "township", "village"].iter().all(|id| versions.contains(&(id.to_string(), 2))));

    let variant =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../templates/variants/hebei-community.toml"))
            .unwrap();
    let upload = |token: String, body: String| {
        let http = dev.http.clone();
        let url = format!("{}/api/v1/templates", server.url);
        async move {
            http.post(url)
                .bearer_auth(token)
                .header("content-type", "application/toml")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let sup = server.api("sup-a").await;
    assert_eq!(upload(sup.token.clone(), variant.clone()).await.status(), StatusCode::FORBIDDEN);
    let admin = server.api("admin").await;
    assert_eq!(
        upload(admin.token.clone(), "format = 1\nid = 3".into()).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let created = upload(admin.token.clone(), variant.clone()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(upload(admin.token.clone(), variant).await.status(), StatusCode::CONFLICT, "a version is immutable");
    let list = dev
        .http
        .get(format!("{}/api/v1/templates", server.url))
        .bearer_auth(&dev.token)
        .header("if-none-match", &list_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK, "the list changed, so its ETag did");
    server.stop().await;
}

#[tokio::test]
async fn centre_imports_are_all_or_nothing_with_line_numbers() {
    let server = TestServer::start().await;
    server.seed();
    let admin = server.api("admin").await;
    let header = "code,name,type,province,city,county,township,lat,lon,geofence_m,floor_area_m2,households,population_served,status\n";
    let bad = format!(
        "{header}N1,新中心,community,河北省,石家庄市,长安区,x,38.05,114.52,150,900,3000,9000,built\nN2,坏中心,mall,河北省,石家庄市,长安区,x,38.05,114.52,150,,,,built\n"
    );
    let post = |body: String| {
        let http = admin.http.clone();
        let (url, token) = (format!("{}/api/v1/centres/import", server.url), admin.token.clone());
        async move { http.post(url).bearer_auth(token).header("content-type", "text/csv").body(body).send().await.unwrap() }
    };
    let before = server.count("SELECT count(*) FROM centres");
    let res = post(bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["errors"][0].as_str().unwrap().starts_with("line 3:"), "{body}");
    assert_eq!(server.count("SELECT count(*) FROM centres"), before, "nothing imported");
    let good = format!("{header}N1,新中心,community,河北省,石家庄市,长安区,x,38.05,114.52,150,900,3000,9000,built\n");
    assert_eq!(post(good).await.status(), StatusCode::OK);
    assert_eq!(server.count("SELECT count(*) FROM centres"), before + 1);

    // A county administrator cannot pull another county's centre into their own by re-importing its code.
    server.add_user("admin-qiaoxi", xuncha_server::accounts::store::Role::Administrator, "桥西区");
    let other = server.api("admin-qiaoxi").await;
    let takeover =
        format!("{header}130102-C01,改名中心,community,河北省,石家庄市,桥西区,x,38.05,114.52,150,,,,built\n");
    let res = other
        .http
        .post(format!("{}/api/v1/centres/import", server.url))
        .bearer_auth(&other.token)
        .header("content-type", "text/csv")
        .body(takeover)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, centre) = admin.get("/api/v1/centres/130102-C01").await;
    assert_eq!(centre["region"]["county"], "长安区", "the centre stays where it was");

    let (status, spec) = admin.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    for path in ["/api/v1/sync", "/api/v1/blobs/{sha256}", "/api/v1/inspections/{doc}/report", "/api/v1/assignments"] {
        assert!(spec["paths"].get(path).is_some(), "OpenAPI documents {path}");
    }
    let (status, health) = admin.get("/healthz").await;
    assert_eq!((status, health["status"].as_str()), (StatusCode::OK, Some("ok")));
    server.stop().await;
}

#[test]
fn the_command_line_initialises_imports_validates_and_manages_users() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(BIN);
        c.arg("--data-dir").arg(dir.path()).args(args).env("RUST_LOG", "warn");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let ok = |o: &std::process::Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(&run(&["init"], &[("XUNCHA_ADMIN_PASSWORD", "first-admin-pw")]));
    let again = run(&["init"], &[("XUNCHA_ADMIN_PASSWORD", "first-admin-pw")]);
    assert!(!again.status.success(), "a second init does not overwrite the administrator");
    ok(&run(
        &["user", "add", "zhang", "--name", "张", "--role", "supervisor", "--province", "河北省"],
        &[("XUNCHA_USER_PASSWORD", "zhang-password")],
    ));
    let nationwide = run(
        &["user", "add", "li", "--name", "李", "--role", "supervisor"],
        &[("XUNCHA_USER_PASSWORD", "li-password-1")],
    );
    assert!(!nationwide.status.success(), "a supervisor oversees a region, never the whole country");
    assert!(String::from_utf8_lossy(&nationwide.stderr).contains("at least the province"));
    ok(&run(&["user", "disable", "zhang"], &[]));
    ok(&run(&["user", "reset-password", "zhang"], &[("XUNCHA_USER_PASSWORD", "another-password")]));
    assert!(!run(&["user", "disable", "nobody"], &[]).status.success());
    assert!(
        !run(&["user", "add", "x", "--name", "x", "--role", "king"], &[("XUNCHA_USER_PASSWORD", "zhang-password")])
            .status
            .success()
    );

    let csv = dir.path().join("centres.csv");
    std::fs::write(&csv, "code,name,type,province,city,county,township,lat,lon,geofence_m,status\nA,甲,village,河北省,石家庄市,长安区,x,38,114,100,built\nB,乙,village,河北省,石家庄市,长安区,x,38,114,100,open\n").unwrap();
    let failed = run(&["centres", "import", csv.to_str().unwrap()], &[]);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("line 3: unknown status `open`"));
    std::fs::write(&csv, "code,name,type,province,city,county,township,lat,lon,geofence_m,status\nA,甲,village,河北省,石家庄市,长安区,x,38,114,100,built\n").unwrap();
    let imported = run(&["centres", "import", csv.to_str().unwrap()], &[]);
    ok(&imported);
    assert!(String::from_utf8_lossy(&imported.stdout).contains("imported 1 centres"));

    let templates = concat!(env!("CARGO_MANIFEST_DIR"), "/../templates");
    ok(&run(&["templates", "validate", &format!("{templates}/village.toml")], &[]));
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "format = 1\nid = \"x\"\n").unwrap();
    assert!(!run(&["templates", "validate", broken.to_str().unwrap()], &[]).status.success());
    let variant = format!("{templates}/variants/hebei-community.toml");
    let resolved = run(&["templates", "validate", &variant], &[]);
    ok(&resolved);
    assert!(String::from_utf8_lossy(&resolved.stdout).contains("resolves to `community-hebei`"));
    // Well-formed on its own, broken once applied: it removes an item the base lacks.
    let text = std::fs::read_to_string(&variant)
        .unwrap()
        .replace("remove = [\"basic.radius\"]", "remove = [\"basic.nothing\"]");
    let bad_variant = dir.path().join("bad-variant.toml");
    std::fs::write(&bad_variant, text).unwrap();
    let refused = run(&["templates", "validate", bad_variant.to_str().unwrap()], &[]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("basic.nothing"), "{refused:?}");
}

#[tokio::test]
async fn every_error_is_json_with_a_code_whoever_wrote_it() {
    let server = TestServer::start().await;
    server.seed();
    let admin = server.api("admin").await;
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let cases = [
        (
            "a bad query string",
            http.get(url("/api/v1/inspections?page=abc")).bearer_auth(&admin.token),
            400,
            "bad_request",
        ),
        ("a bad path parameter", http.delete(url("/api/v1/devices/abc")).bearer_auth(&admin.token), 400, "bad_request"),
        ("an unknown route", http.get(url("/api/v1/nothing-here")).bearer_auth(&admin.token), 404, "not_found"),
        ("a wrong method", http.put(url("/api/v1/login")), 405, "method_not_allowed"),
        ("no content type", http.post(url("/api/v1/login")).body("{}"), 415, "unsupported_media_type"),
        ("no sign-in", http.get(url("/api/v1/me")), 401, "unauthorized"),
    ];
    for (what, req, status, code) in cases {
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{what}");
        let mime = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(mime.starts_with("application/json"), "{what}: {mime}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], code, "{what}: {body}");
        assert!(!body["message"].as_str().unwrap().is_empty(), "{what}");
    }
    server.stop().await;
}

/// The OpenAPI document comes from the router: every documented operation
/// is served, and no route is served outside the documented router.
#[tokio::test]
async fn the_openapi_document_and_the_router_describe_the_same_routes() {
    let server = TestServer::start().await;
    let (status, spec) = server.api_anonymous().get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let http = reqwest::Client::new();
    let mut operations = 0;
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{doc}", "automerge:2j9PgQ1KmtvGxdEmxAqAL4Nt9nWD")
            .replace("{sha256}", &"0".repeat(64))
            .replace("{code}", "X")
            .replace("{id}", "1")
            .replace("{version}", "1");
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            assert!(ids.insert(op["operationId"].as_str().unwrap().to_owned()), "operation ids are unique");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = http.request(m, format!("{}{concrete}", server.url)).send().await.unwrap();
            let status = res.status();
            let body: serde_json::Value = res.json().await.unwrap_or_default();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented but not served");
            assert!(
                !(status == StatusCode::NOT_FOUND && body["message"] == "not found"),
                "{method} {path} is documented but the router does not know it"
            );
        }
    }
    assert!(operations >= 40, "{operations} operations");
    // What every route may answer is documented, and shared parameters have one shape.
    let paths = spec["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let public = op["security"].as_array().is_some_and(Vec::is_empty);
            let has = |code: &str| op["responses"].get(code).is_some();
            // Every success with a body says what the body is.
            for (code, answer) in op["responses"].as_object().unwrap() {
                if !code.starts_with('2') || code == "204" || method == "head" {
                    continue;
                }
                let content = answer["content"].as_object();
                assert!(content.is_some_and(|c| !c.is_empty()), "{method} {path} {code} documents its body");
                for (mime, media) in content.into_iter().flatten() {
                    assert!(media["schema"].is_object(), "{method} {path} {code} {mime} has a schema");
                }
            }
            assert!(public || has("401"), "{method} {path} documents 401");
            assert!(!path.contains('{') || has("404"), "{method} {path} documents 404");
            assert!(op["requestBody"].is_null() || (has("413") && has("415")), "{method} {path} documents 413, 415");
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["name"] == "sha256" {
                    assert_eq!(p["schema"]["pattern"], "^[0-9a-f]{64}$", "{method} {path}");
                }
                if p["name"] == "quarter" {
                    assert_eq!(p["schema"]["pattern"], "^[0-9]{4}Q[1-4]$", "{method} {path}");
                }
            }
        }
    }
    for (path, method) in [("/healthz", "get"), ("/api/v1/login", "post"), ("/api/v1/devices", "post")] {
        assert_eq!(paths[path][method]["security"], serde_json::json!([]), "{method} {path} is public");
    }
    assert!(paths["/api/v1/sync"]["post"]["responses"].get("429").is_some());
    // Served only through the documented router: no route is added beside it
    // but the document itself and the dashboard's static files.
    let src = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../server/src"));
    let mut folders = vec![src.clone()];
    let mut files = 0;
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            files += 1;
            let file = path.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let plain = text.matches(".route(").count() + text.matches(".route_service(").count();
            let allowed = match file.as_str() {
                "router.rs" => 1,  // /api/openapi.json
                "http/ui.rs" => 2, // the dashboard page
                _ => 0,
            };
            assert_eq!(plain, allowed, "{file} serves a route outside the OpenAPI router");
        }
    }
    assert!(files > 30, "the walk found the server's sources ({files} files)");
    server.stop().await;
}

/// A centre may have one inspection per purpose and quarter: a random
/// check (双随机抽查) does not join the routine inspection of the quarter,
/// and lists can be narrowed by purpose.
#[tokio::test]
async fn a_task_of_another_purpose_is_another_inspection() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let routine = sup.assign("130102-C01", &["wang"]).await;
    let body = serde_json::json!({"centre_code": "130102-C01", "quarter": "2026Q4", "purpose": "random",
        "inspectors": ["wang", "li"]});
    let (status, random) = sup.post("/api/v1/assignments", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{random}");
    assert_eq!(random[0]["purpose"], "random");
    let random = random[0]["doc"].as_str().unwrap().to_owned();
    assert_ne!(routine, random, "another inspection");
    let again = sup.assign("130102-C01", &["li"]).await;
    assert_eq!(again, routine, "a co-inspector of the routine task joins its document");
    let (_, list) = sup.get("/api/v1/inspections?purpose=random").await;
    let docs: Vec<_> = list["items"].as_array().unwrap().iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(docs, [random.as_str()]);
    let (_, row) = sup.get(&format!("/api/v1/inspections/{random}")).await;
    assert_eq!(row["purpose"], "random");
    let (status, _) = sup.get("/api/v1/inspections?purpose=inspection").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let bad = serde_json::json!({"centre_code": "130102-C01", "quarter": "2026Q4", "purpose": "audit", "inspectors": ["wang"]});
    let (status, _) = sup.post("/api/v1/assignments", &bad).await;
    assert!(status.is_client_error(), "an unknown purpose is refused");
    server.stop().await;
}
