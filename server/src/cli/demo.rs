//! Demo data for the run command: a province, city, two counties, townships,
//! centres of all four types, users of every role, assignments, and
//! inspections with answers, positions and photos that went through the
//! real sync and upload paths. Every demo user's password is [`PASSWORD`].

use crate::accounts::DeviceAuth;
use crate::accounts::passwords::{hash_password, new_token};
use crate::accounts::store::{NewDevice, NewUser, Role, Scope, User};
use crate::catalog::communities::Community;
use crate::photos::service::{append, rescore_referencing};
use crate::plans::service::PlanRequest;
use crate::plans::store::PlanCriteria;
use crate::state::AppState;
use crate::stats::store::CityPopulation;
use automerge::ActorId;
use image::{ImageBuffer, Rgb};
use sha2::{Digest, Sha256};
use xuncha_core::document::{
    Answer, AnswerRecord, FixSource, GpsFix, InspectionDoc, NewInspection, PhotoRecord, Purpose, Respondent,
    ReviewStatus,
};
use xuncha_core::draw::Sampling;
use xuncha_core::evidence::{SigningKey, sign_fix, sign_photo};
use xuncha_core::photo::{PhotoLimits, process};
use xuncha_core::sync::{DocPush, Heads, SYNC_PROTOCOL, SyncRequest};
use xuncha_core::template::{AnswerSpec, Item, PhotoRule, Template, TemplateRef, YesNo};
use xuncha_core::{Centre, CentreStatus, CentreType, Region};

pub const PASSWORD: &str = "xuncha-demo-2026";
pub const QUARTER: &str = "2026Q4";

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A plausible answer to `item`: mostly good, worse when `weak`.
pub fn plausible_answer(item: &Item, weak: bool) -> Option<Answer> {
    Some(match &item.answer {
        AnswerSpec::YesNo => {
            // "Yes" is the good answer unless "yes" is what vetoes.
            Answer::YesNo(item.veto.as_ref().and_then(|v| v.answer) != Some(YesNo::Yes))
        }
        AnswerSpec::Scale { min, max, .. } => Answer::Scale(if weak { (min + max) / 2 } else { *max }),
        AnswerSpec::Number { min, max, .. } => {
            let best = item.thresholds.iter().max_by(|a, b| a.fraction.total_cmp(&b.fraction));
            let mut v = best.and_then(|t| t.gte.map(|g| g * 1.2).or(t.lte.map(|l| l * 0.8))).unwrap_or(120.0);
            if weak {
                v *= 0.5;
            }
            Answer::Number(v.clamp(min.unwrap_or(f64::MIN), max.unwrap_or(f64::MAX)).round())
        }
        AnswerSpec::ChoiceOne { options } => {
            let best = options.iter().max_by(|a, b| a.fraction.unwrap_or(0.0).total_cmp(&b.fraction.unwrap_or(0.0)))?;
            // A weak visit finds what must be rectified (一般隐患，需限期整改).
            let found = options.iter().find(|o| weak && o.rectify && o.fraction.unwrap_or(0.0) > 0.0);
            Answer::Choice(found.unwrap_or(best).id.clone())
        }
        AnswerSpec::ChoiceMany { options } => {
            let n = if weak { options.len() / 2 } else { options.len() };
            Answer::Choices(options.iter().take(n.max(1)).map(|o| o.id.clone()).collect())
        }
        AnswerSpec::Sample { min_asked } => {
            let asked = (*min_asked).max(30);
            Answer::Sample { asked, satisfied: if weak { asked * 7 / 10 } else { asked * 19 / 20 } }
        }
        AnswerSpec::Computed { .. } | AnswerSpec::Text | AnswerSpec::Respondents { .. } => return None,
    })
}

/// The people an inspector asked on site: twelve, three of them unhappy on a
/// weak visit, with what they said; one left a phone number for 回访.
pub fn plausible_respondents(by: &str, at: i64, weak: bool) -> Vec<Respondent> {
    const SAID: [&str; 4] = ["早餐种类可以再多一些", "希望延长晚间营业时间", "维修点价格偏高", "家政服务预约方便"];
    (0..12)
        .map(|i: usize| Respondent {
            at: at + i as i64 * 60_000,
            satisfied: !(weak && i % 4 == 1),
            opinion: i.is_multiple_of(3).then(|| SAID.get(i / 3 % SAID.len()).copied().unwrap_or_default().to_owned()),
            phone: (i == 0).then(|| "13800138000".to_owned()),
            by: by.to_owned(),
        })
        .collect()
}

/// A fix `north_m` metres north of the centre.
pub fn fix_near(c: &Centre, north_m: f64, by: &str, at: i64) -> GpsFix {
    GpsFix {
        lat: c.lat + north_m / 111_320.0,
        lon: c.lon,
        accuracy_m: 8.0,
        source: FixSource::Gnss,
        at,
        mock: Some(false),
        by: by.to_owned(),
        signature: None,
    }
}

/// A small generated photo (a coloured gradient), processed like the app does.
pub fn demo_photo(seed: u8) -> Res<Vec<u8>> {
    let img = ImageBuffer::from_fn(640, 480, |x, y| {
        Rgb([(x / 3) as u8 ^ seed, (y / 2) as u8, seed.wrapping_mul(37).wrapping_add((x + y) as u8 / 4)])
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
    Ok(process(&png, &PhotoLimits::default())?.photo.bytes)
}

fn centre(code: &str, name: &str, t: CentreType, county: &str, township: &str, lat: f64, lon: f64) -> Centre {
    Centre {
        code: code.into(),
        name: name.into(),
        centre_type: t,
        region: Region {
            province: "河北省".into(),
            city: "石家庄市".into(),
            county: county.into(),
            township: township.into(),
        },
        lat,
        lon,
        geofence_m: 150.0,
        floor_area_m2: Some(if t == CentreType::Village { 120.0 } else { 1_200.0 }),
        community_floor_area_m2: Some(9_000.0),
        households: Some(if t == CentreType::Village { 400.0 } else { 3_200.0 }),
        population_served: Some(if t == CentreType::Village { 1_300.0 } else { 10_000.0 }),
        status: CentreStatus::Built,
        zone: None,
        datum: Default::default(),
    }
}

pub fn demo_centres() -> Vec<Centre> {
    use CentreType::*;
    let mut centres = vec![
        centre("130102-C01", "东关社区便民服务中心", Community, "长安区", "建北街道", 38.0518, 114.5372),
        centre("130102-B01", "建华南大街生活服务集聚区", Block, "长安区", "谈固街道", 38.0431, 114.5602),
        centre("130102-T01", "西兆通镇生活综合服务中心", Township, "长安区", "西兆通镇", 38.0890, 114.6120),
        centre("130102-V01", "北豆村综合服务站", Village, "长安区", "西兆通镇", 38.0956, 114.6211),
        centre("130102-V02", "南村镇南村综合服务站", Village, "长安区", "南村镇", 38.0702, 114.6403),
        centre("130104-C01", "维明社区便民服务中心", Community, "桥西区", "维明街道", 38.0365, 114.4870),
        centre("130104-V01", "东里村综合服务站", Village, "桥西区", "汇通街道", 38.0211, 114.4432),
        centre("130102-C02", "谈固社区便民服务中心", Community, "长安区", "谈固街道", 38.0469, 114.5561),
        centre("130104-B01", "中华南大街生活服务集聚区", Block, "桥西区", "振头街道", 38.0290, 114.4921),
    ];
    // Registry variety for the statistics: one community centre below the
    // norm of 30 m² per 100 households, one being built, one planned.
    if let Some(c) = centres.iter_mut().find(|c| c.code == "130104-C01") {
        c.households = Some(4_500.0);
    }
    if let Some(c) = centres.iter_mut().find(|c| c.code == "130102-C02") {
        c.status = CentreStatus::UnderConstruction;
    }
    if let Some(c) = centres.iter_mut().find(|c| c.code == "130104-B01") {
        c.status = CentreStatus::Planned;
    }
    // 东里村's position was taken from a 高德 (GCJ-02) map; stored in WGS-84.
    if let Some(c) = centres.iter_mut().find(|c| c.code == "130104-V01") {
        c.datum = xuncha_core::Datum::Gcj02;
    }
    centres
}

/// The communities the demo's community centres serve (三(二) plan norms):
/// 东关社区, a new 250,000 m² estate meeting both norms; 谈固社区, new,
/// whose facilities fall short of 10%; 维明社区, an older community (the
/// 10% norm does not apply) short of 30 m² per 100 households.
pub fn demo_communities() -> Vec<Community> {
    let row = |code: &str,
               name: &str,
               county: &str,
               township: &str,
               is_new: bool,
               areas: [Option<f64>; 3],
               households: f64,
               centre: &str| Community {
        code: code.into(),
        name: name.into(),
        region: Region {
            province: "河北省".into(),
            city: "石家庄市".into(),
            county: county.into(),
            township: township.into(),
        },
        is_new,
        total_floor_area_m2: areas[0],
        facility_area_m2: areas[1],
        service_facility_area_m2: areas[2],
        households: Some(households),
        centre_code: Some(centre.into()),
    };
    vec![
        row(
            "130102-S01",
            "东关社区",
            "长安区",
            "建北街道",
            true,
            [Some(250_000.0), Some(26_000.0), Some(900.0)],
            2_800.0,
            "130102-C01",
        ),
        row(
            "130102-S02",
            "谈固社区",
            "长安区",
            "谈固街道",
            true,
            [Some(180_000.0), Some(15_300.0), Some(700.0)],
            2_100.0,
            "130102-C02",
        ),
        row(
            "130104-S01",
            "维明社区",
            "桥西区",
            "维明街道",
            false,
            [Some(320_000.0), None, Some(1_100.0)],
            4_500.0,
            "130104-C01",
        ),
    ]
}

/// When the built demo centres were built (the registry's dated statuses):
/// two by the end of the 2018 pilot, the rest since.
pub fn demo_built_dates() -> Vec<(&'static str, &'static str)> {
    vec![
        ("130102-C01", "2018-09-15"),
        ("130102-T01", "2018-11-20"),
        ("130102-B01", "2019-06-01"),
        ("130102-V01", "2020-04-10"),
        ("130102-V02", "2021-03-18"),
        ("130104-C01", "2019-10-08"),
        ("130104-V01", "2022-05-20"),
    ]
}

/// Resident populations (第七次全国人口普查, 2020) for the pilot targets:
/// 石家庄 over 10 million (target 10 centres), 邯郸 5–10 million (target 5).
pub fn demo_populations() -> Vec<CityPopulation> {
    [("石家庄市", 11_235_086), ("邯郸市", 9_413_990)]
        .into_iter()
        .map(|(city, population)| CityPopulation { province: "河北省".into(), city: city.into(), population })
        .collect()
}

fn user(state: &AppState, username: &str, name: &str, role: Role, scope: Scope) -> Res<User> {
    let u = NewUser {
        username: username.into(),
        display_name: name.into(),
        role,
        scope,
        centres: Vec::new(),
        password_hash: hash_password(PASSWORD)?,
    };
    Ok(state.store.create_user(u, crate::storage::now_ms())?)
}

fn county(c: &str) -> Scope {
    Scope { province: "河北省".into(), city: "石家庄市".into(), county: c.into() }
}

/// Seeds the demo once; a second run changes nothing.
pub fn seed(state: &AppState) -> Res<String> {
    if state.store.user_by_name("admin")?.is_some() {
        return Ok("demo data already present".into());
    }
    let admin = user(state, "admin", "系统管理员", Role::Administrator, Scope::default())?;
    let province = Scope { province: "河北省".into(), ..Scope::default() };
    let hebei_admin = user(state, "hebei-admin", "河北省商务厅管理员", Role::Administrator, province)?;
    let sup = user(state, "sup-changan", "长安区商务局 张科长", Role::Supervisor, county("长安区"))?;
    let sup_qiaoxi = user(state, "sup-qiaoxi", "桥西区商务局 刘科长", Role::Supervisor, county("桥西区"))?;
    let wang = user(state, "insp-wang", "王检查员", Role::Inspector, county("长安区"))?;
    let li = user(state, "insp-li", "李检查员", Role::Inspector, county("长安区"))?;
    let zhao = user(state, "insp-zhao", "赵检查员", Role::Inspector, county("桥西区"))?;
    let centres = demo_centres();
    state.store.upsert_centres(&centres, crate::storage::now_ms())?;
    let dated: Vec<_> = demo_built_dates()
        .into_iter()
        .filter_map(|(code, date)| Some((code.to_owned(), CentreStatus::Built, crate::dates::start_of(date)?)))
        .collect();
    state.store.date_statuses(&dated)?;
    state.store.upsert_communities(&demo_communities(), crate::storage::now_ms())?;
    state.store.set_populations(&demo_populations(), crate::storage::now_ms())?;

    let mut docs = Vec::new();
    for (code, who) in [
        ("130102-C01", vec!["insp-wang", "insp-li"]),
        ("130102-T01", vec!["insp-wang"]),
        ("130102-V01", vec!["insp-li"]),
        ("130102-B01", vec!["insp-wang"]),
    ] {
        let who: Vec<String> = who.into_iter().map(str::to_owned).collect();
        let rows = state.inspections.assign(&sup, code, QUARTER, Purpose::Routine, &who)?;
        docs.extend(rows.first().map(|a| (a.doc, code)));
    }
    state.inspections.assign(&admin, "130104-C01", QUARTER, Purpose::Routine, &["insp-zhao".to_owned()])?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    // A random check (双随机抽查) of a township centre already inspected this
    // quarter, drawn by a confirmed plan: another inspection of it.
    let random = rt.block_on(super::demo_supervision::random_check(state, &sup, QUARTER))?;
    let wang_dev = enrol(state, &wang, "王检查员的手机")?;
    let li_dev = enrol(state, &li, "李检查员的平板")?;
    let mut photos = 0;
    for (i, (doc, code)) in docs.iter().enumerate() {
        let c = centres.iter().find(|c| c.code == *code).ok_or("demo centre missing")?;
        let dev = if *code == "130102-V01" { &li_dev } else { &wang_dev };
        photos += rt.block_on(fill(state, dev, *doc, c, i, None))?;
    }
    // A village station insp-li visited on her own initiative: signed, but it
    // counts in statistics only once the county approves it.
    let village = centres.iter().find(|c| c.code == "130102-V02").ok_or("demo centre missing")?;
    let template =
        state.catalog.templates().get(&TemplateRef { id: "village".into(), version: 1 }).ok_or("village template")?;
    let started = NewInspection {
        centre_code: village.code.clone(),
        template: template.template.reference(),
        purpose: Default::default(),
        created_by: li.username.clone(),
        created_by_name: li.display_name.clone(),
        at: crate::storage::now_ms(),
    };
    let actor = li_dev.device.actors.first().cloned().ok_or("device without actor")?;
    let own = InspectionDoc::create(actor, &started, &template.template)?;
    photos += rt.block_on(fill(state, &li_dev, xuncha_core::DocumentId::random(), village, 5, Some(own)))?;
    // The community centre: reviewed and returned with a comment.
    if let Some((doc, _)) = docs.first() {
        let by = sup.username.clone();
        rt.block_on(state.inspections.with_doc(*doc, move |ins, slot| {
            let comment = "请补充消防通道照片后重新提交。".into();
            ins.write_review(slot, &by, ReviewStatus::Returned, comment, Default::default())
        }))?;
    }
    // Next quarter's random checks of 长安区, drawn and waiting for the
    // supervisor to confirm (docs/supervision.md).
    let plan = PlanRequest {
        name: "2027年第一季度长安区双随机抽查".into(),
        quarter: "2027Q1".into(),
        purpose: Purpose::Random,
        county: None,
        criteria: PlanCriteria::default(),
        sampling: Sampling::Count(1),
        per_task: 1,
        seed: Some("2027Q1-长安区".into()),
        pool: Vec::new(),
    };
    let plan = rt.block_on(state.plans.create(&sup, plan))?;
    rt.block_on(state.plans.draw(&sup, plan.id))?;
    // Rectification (整改): 长安区 approved insp-li's weak village visit;
    // 桥西区 approved insp-zhao's and sent him back to re-check (复查).
    let village_visit = docs.get(2).map(|(doc, _)| *doc).ok_or("demo village visit missing")?;
    let found = rt.block_on(super::demo_supervision::changan(state, &sup, village_visit, demo_photo(40)?))?;
    let zhao_dev = enrol(state, &zhao, "赵检查员的手机")?;
    let centre = centres.iter().find(|c| c.code == "130104-V01").ok_or("demo centre missing")?;
    let rows = state.inspections.assign(
        &sup_qiaoxi,
        &centre.code,
        QUARTER,
        Purpose::Routine,
        std::slice::from_ref(&zhao.username),
    )?;
    let doc = rows.first().map(|a| a.doc).ok_or("no assignment")?;
    photos += rt.block_on(fill(state, &zhao_dev, doc, centre, 6, None))?;
    let followed = rt.block_on(super::demo_supervision::qiaoxi(state, &sup_qiaoxi, doc, &zhao))?;
    // insp-li does the random check; 长安区 approves it; the province publishes it (一公开).
    let township = centres.iter().find(|c| c.code == "130102-T01").ok_or("demo centre missing")?;
    photos += rt.block_on(fill(state, &li_dev, random.1, township, 4, None))?;
    rt.block_on(super::demo_supervision::publish(state, &sup, &hebei_admin, random))?;
    let [company, village] =
        rt.block_on(super::demo_operators::seed(state, &sup, (QUARTER, PASSWORD), demo_photo(90)?))?;
    let city = rt.block_on(super::demo_reports::seed(state, [&sup, &sup_qiaoxi], (QUARTER, PASSWORD)))?;
    rt.block_on(super::demo_exemplars::seed(state, &sup, &hebei_admin))?;
    // A thematic check (专项检查) insp-zhao keeps as a draft on version 1 of
    // the village template, for an administrator to move to version 2
    // (docs/templates.md).
    let station = centres.iter().find(|c| c.code == "130104-V01").ok_or("demo centre missing")?;
    let old = TemplateRef { id: "village".into(), version: 1 };
    let task = crate::inspections::assign::Task {
        centre_code: &station.code,
        quarter: QUARTER,
        purpose: Purpose::Thematic,
        template: Some(old),
    };
    let rows = state.inspections.assign_task(&admin, &task, std::slice::from_ref(&zhao.username))?;
    let doc = rows.first().map(|a| a.doc).ok_or("no assignment")?;
    photos += rt.block_on(fill(state, &zhao_dev, doc, station, 3, None))?;
    Ok(format!(
        "demo data: {} centres, 10 users (password {PASSWORD}; operators {company} and {village}; city \
         supervisor {city}), {} inspections with {photos} photos, a drawn plan, {found} problems found in 长安区, \
         a follow-up of {followed} in 桥西区, the last quarter's reports half way up the chain, a model centre \
         under publicity, a draft on version 1 of the village template to move to version 2",
        centres.len(),
        docs.len() + 6,
    ))
}

fn one_round(state: &AppState, dev: &DeviceAuth) -> Res<crate::inflight::InFlightGuard<i64>> {
    Ok(state.sync.begin_round(dev.device.id)?)
}

fn enrol(state: &AppState, u: &User, name: &str) -> Res<DeviceAuth> {
    let (_, hash) = new_token(true);
    let public_key = demo_key(&u.username, name).verifying_key().to_bytes();
    let new = NewDevice {
        user_id: u.id,
        name,
        token_hash: &hash,
        actors: &[ActorId::random()],
        public_key: Some(&public_key),
    };
    let device = state.store.create_device(new, crate::storage::now_ms())?;
    Ok(DeviceAuth { user: u.clone(), device })
}

/// A demo device's evidence key: derived from its user and name, so the
/// seed signs as the device it enrolled (a real device makes its own).
fn demo_key(username: &str, device_name: &str) -> SigningKey {
    let seed = Sha256::digest(format!("xuncha demo device key\0{username}\0{device_name}"));
    SigningKey::from_bytes(&seed.into())
}

/// An inspector answers every item, adds a position and photos, signs off;
/// everything goes through a real sync round and the photo upload path.
/// `started` is an inspection the device started itself (no assignment);
/// otherwise the assigned document is fetched first.
async fn fill(
    state: &AppState,
    dev: &DeviceAuth,
    doc: xuncha_core::DocumentId,
    c: &Centre,
    n: usize,
    started: Option<InspectionDoc>,
) -> Res<usize> {
    let actor = dev.device.actors.first().cloned().ok_or("device without actor")?;
    let (mut d, ack, cursor) = match started {
        Some(d) => (d, Vec::new(), 0),
        None => {
            // First round: fetch the assigned document.
            let empty = SyncRequest { protocol: SYNC_PROTOCOL, cursor: 0, docs: Vec::new() };
            let res = state.sync.round(dev, empty, one_round(state, dev)?).await?;
            let reply = res.docs.iter().find(|d| d.doc == doc).ok_or("assigned document not offered")?;
            (InspectionDoc::load(&reply.changes, actor)?, reply.server_heads.0.clone(), res.cursor)
        }
    };
    let template: Template =
        (*state.catalog.templates().get(&d.snapshot()?.template).ok_or("template")?.template).clone();
    let now = crate::storage::now_ms();
    let by = dev.user.username.clone();
    let weak = n == 2 || n == 6;
    // The random check (n = 4) finds what a weak visit finds: a general hazard ordered rectified.
    for (_, item) in template.items() {
        if let Some(answer) = plausible_answer(item, weak || (n == 4 && item.id == "safety.fire_check")) {
            d.set_answer(&template, &item.id, &AnswerRecord { answer, by: by.clone(), at: now })?;
        }
        if matches!(item.answer, AnswerSpec::Respondents { .. }) {
            for r in plausible_respondents(&by, now, weak) {
                d.add_respondent(&template, &item.id, &r)?;
            }
        }
    }
    let key = demo_key(&by, &dev.device.name);
    let signed_fix = |north_m: f64| {
        let fix = fix_near(c, north_m, &by, now);
        GpsFix { signature: Some(sign_fix(&key, dev.device.id, &doc, &fix)), ..fix }
    };
    d.add_gps_fix(&signed_fix(20.0))?;
    let mut uploads = Vec::new();
    let mut pictured: Vec<String> = template
        .items()
        .filter(|(_, i)| i.evidence.photo == PhotoRule::Required)
        .take(4)
        .map(|(_, i)| i.id.clone())
        .collect();
    // A weak visit photographs what it found: the follow-up shows it (原问题照片).
    if weak && template.item("find.problems").is_some() {
        pictured.push("find.problems".into());
    }
    for (k, item) in pictured.into_iter().enumerate() {
        let bytes = demo_photo(u8::try_from(n * 16 + k).unwrap_or(0))?;
        let sha = xuncha_core::photo::sha256_hex(&bytes);
        let record = PhotoRecord {
            sha256: sha.clone(),
            bytes: bytes.len() as u64,
            mime: xuncha_core::photo::PhotoFormat::default().mime().into(),
            width: 640,
            height: 480,
            item_id: Some(item),
            thumbnail: None,
            taken_at: now,
            gps: Some(signed_fix(15.0)),
            by: by.clone(),
            signature: None,
        };
        let signature = Some(sign_photo(&key, dev.device.id, &doc, &record));
        d.add_photo(&PhotoRecord { signature, ..record })?;
        uploads.push((sha, bytes));
    }
    d.set_notes(None, "现场检查：服务设施齐全，经营正常。", now)?;
    if weak && template.item("find.problems").is_some() {
        d.set_notes(
            Some("find.problems"),
            "价格公示牌缺失，部分商品未明码标价\n农资商品进销台账不全\n便民服务项目公示不全",
            now,
        )?;
    }
    if n != 3 {
        d.sign_off(&by, now)?;
    }
    let am = d.automerge_mut();
    let push = DocPush {
        doc,
        client_heads: Heads(am.get_heads()),
        ack_heads: Heads(ack.clone()),
        changes: if ack.is_empty() { am.save_nocompress() } else { am.save_after(&ack) },
    };
    let req = SyncRequest { protocol: SYNC_PROTOCOL, cursor, docs: vec![push] };
    state.sync.round(dev, req, one_round(state, dev)?).await?;
    for (sha, bytes) in &uploads {
        let (photos, dv, sha2, bytes2) = (state.photos.clone(), dev.clone(), sha.clone(), bytes.clone());
        tokio::task::spawn_blocking(move || {
            append(&photos, dv.device.id, &dv.user, &sha2, 0, bytes2.len() as u64, &bytes2)
        })
        .await??;
        rescore_referencing(&state.photos, sha).await?;
    }
    Ok(uploads.len())
}
