//! Validates the evaluation templates in `templates/` (and provincial
//! variants in `templates/variants/`), then scores one demo inspection per
//! centre type and prints the reports. Run by `scripts/run.sh` until the
//! server exists.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use automerge::ActorId;
use std::path::Path;
use xuncha_core::document::{Answer, AnswerRecord, FixSource, GpsFix, InspectionDoc, NewInspection, Respondent};
use xuncha_core::scoring::{EvidenceFacts, score};
use xuncha_core::template::{AnswerSpec, Template, TemplateFile, resolve_variant};
use xuncha_core::{Centre, CentreStatus, Region};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
    let mut templates: Vec<Template> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&root)?.filter_map(Result::ok).map(|e| e.path()).collect();
    let variants = root.join("variants");
    if variants.is_dir() {
        files.extend(std::fs::read_dir(&variants)?.filter_map(Result::ok).map(|e| e.path()));
    }
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let mut pending = Vec::new();
    for path in &files {
        let name = path.strip_prefix(root.parent().unwrap_or(&root)).unwrap_or(path).display().to_string();
        match TemplateFile::parse(&name, &std::fs::read_to_string(path)?) {
            Ok(TemplateFile::Template(t)) => templates.push(*t),
            Ok(TemplateFile::Variant(v)) => pending.push((name, v)),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
    for (name, v) in pending {
        let base = templates.iter().find(|t| t.id == v.base.id).ok_or("variant base not found")?.clone();
        match resolve_variant(&v, &base, &name) {
            Ok(t) => templates.push(t),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
    println!("{:<20} {:>7} {:>6} {:>8} {:>7}  title", "template", "version", "items", "sections", "vetoes");
    for t in &templates {
        let vetoes = t.items().filter(|(_, i)| i.critical).count();
        println!(
            "{:<20} {:>7} {:>6} {:>8} {:>7}  {}",
            t.id,
            t.version,
            t.items().count(),
            t.sections.len(),
            vetoes,
            t.title.zh
        );
    }
    println!();
    for t in &templates {
        let report = demo_report(t)?;
        println!(
            "{:<20} total {:>6.2}  grade {} ({:?})  vetoes {}  unanswered {}  on site {:?}",
            t.id,
            report.total,
            report.grade.zh(),
            report.grade,
            report.vetoes.len(),
            report.unanswered.len(),
            report.on_site.status
        );
    }
    Ok(())
}

fn demo_report(t: &Template) -> Result<xuncha_core::scoring::Report, Box<dyn std::error::Error>> {
    let centre = Centre {
        code: "DEMO-1".into(),
        name: "示范中心".into(),
        centre_type: t.centre_type,
        region: Region {
            province: "河北省".into(),
            city: "邯郸市".into(),
            county: "丛台区".into(),
            township: String::new(),
        },
        lat: 36.61,
        lon: 114.49,
        geofence_m: 150.0,
        floor_area_m2: Some(600.0),
        community_floor_area_m2: Some(5000.0),
        households: Some(1500.0),
        population_served: Some(11000.0),
        status: CentreStatus::Built,
        zone: None,
        datum: Default::default(),
    };
    let new = NewInspection {
        centre_code: centre.code.clone(),
        template: t.reference(),
        purpose: Default::default(),
        created_by: "demo".into(),
        created_by_name: "演示检查员".into(),
        at: 1_764_000_000_000,
    };
    let mut doc = InspectionDoc::create(ActorId::random(), &new, t)?;
    // A plausible, imperfect visit: every other yes/no passes, scales at 4, mid-range numbers.
    for (n, (_, item)) in t.items().enumerate() {
        let answer = match &item.answer {
            AnswerSpec::YesNo => Answer::YesNo(item.critical || n % 3 != 0),
            AnswerSpec::Scale { max, .. } => Answer::Scale(*max - 1),
            AnswerSpec::Number { .. } => Answer::Number(if item.stat.is_some() { 120.0 } else { 480.0 }),
            AnswerSpec::ChoiceOne { options } => Answer::Choice(options[0].id.clone()),
            AnswerSpec::ChoiceMany { options } => {
                Answer::Choices(options.iter().take(4).map(|o| o.id.clone()).collect())
            }
            AnswerSpec::Sample { .. } => Answer::Sample { asked: 20, satisfied: 18 },
            AnswerSpec::Respondents { .. } => {
                for i in 0..12 {
                    let r = Respondent { at: new.at, satisfied: i != 3, opinion: None, phone: None, by: "demo".into() };
                    doc.add_respondent(t, &item.id, &r)?;
                }
                continue;
            }
            AnswerSpec::Computed { .. } | AnswerSpec::Text => continue,
        };
        doc.set_answer(t, &item.id, &AnswerRecord { answer, by: "demo".into(), at: new.at })?;
    }
    doc.add_gps_fix(&GpsFix {
        lat: centre.lat,
        lon: centre.lon,
        accuracy_m: 6.0,
        source: FixSource::Gnss,
        at: new.at,
        mock: Some(false),
        by: "demo".into(),
        signature: None,
    })?;
    Ok(score(t, &doc.snapshot()?, &centre, &EvidenceFacts::default())?)
}
