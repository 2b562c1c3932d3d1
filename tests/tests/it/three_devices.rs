//! Three devices making random edits and syncing in random orders converge
//! to identical documents and identical scores, on every device and the server.

use proptest::prelude::*;
use xuncha_client::Device;
use xuncha_client::sync::Server;
use xuncha_core::document::Answer;
use xuncha_core::template::AnswerSpec;
use xuncha_tests::{PASSWORD, TestServer};

#[derive(Debug, Clone)]
enum Step {
    Answer { device: usize, item: usize, yes: bool },
    Note { device: usize, text: String },
    Sync { device: usize },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..3usize, 0..6usize, any::<bool>()).prop_map(|(device, item, yes)| Step::Answer { device, item, yes }),
        1 => (0..3usize, "[a-z巡查 ]{0,12}").prop_map(|(device, text)| Step::Note { device, text }),
        3 => (0..3usize).prop_map(|device| Step::Sync { device }),
    ]
}

async fn run(steps: Vec<Step>) {
    let server = TestServer::start().await;
    server.seed();
    server.add_user("zhang", xuncha_server::accounts::store::Role::Inspector, "长安区");
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-C01", &["wang", "li", "zhang"]).await;
    let id = doc.parse().unwrap();
    let mut devices = Vec::new();
    let mut dirs = Vec::new();
    for user in ["wang", "li", "zhang"] {
        let dir = tempfile::tempdir().unwrap();
        let mut dev = Device::open(dir.path()).unwrap();
        let conn = Server::enrol(&mut dev, &server.url, user, PASSWORD, "phone").await.unwrap();
        conn.refresh_catalog(&dev).await.unwrap();
        conn.sync(&dev).await.unwrap();
        devices.push((dev, conn));
        dirs.push(dir);
    }
    let t = devices[0].0.template(&devices[0].0.store().docs().unwrap()[0].template).unwrap();
    let items: Vec<String> =
        t.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).collect();
    for (n, s) in steps.into_iter().enumerate() {
        let now = 1_790_000_000_000 + i64::try_from(n).unwrap();
        match s {
            Step::Answer { device, item, yes } => {
                devices[device].0.set_answer(&id, &items[item], Answer::YesNo(yes), now).unwrap()
            }
            Step::Note { device, text } => devices[device].0.set_notes(&id, None, None, &text, now).unwrap(),
            Step::Sync { device } => {
                let (dev, conn) = &devices[device];
                conn.sync(dev).await.unwrap();
            }
        }
    }
    for _ in 0..2 {
        for (dev, conn) in &devices {
            conn.sync(dev).await.unwrap();
        }
    }
    let snaps: Vec<_> = devices.iter().map(|(d, _)| d.snapshot(&id).unwrap()).collect();
    assert_eq!(snaps[0], snaps[1]);
    assert_eq!(snaps[1], snaps[2]);
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    assert_eq!(serde_json::to_value(&snaps[0]).unwrap(), report["document"]);
    let centre: xuncha_core::Centre =
        serde_json::from_str(&devices[0].0.store().centre("130102-C01").unwrap().unwrap()).unwrap();
    for (dev, _) in &devices {
        let provisional = dev.provisional_score(&id, &centre).unwrap();
        assert_eq!(serde_json::to_value(&provisional).unwrap(), report["score"]["report"]);
    }
    server.stop().await;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn three_devices_converge_in_any_order(steps in proptest::collection::vec(step(), 1..40)) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(run(steps));
    }
}
