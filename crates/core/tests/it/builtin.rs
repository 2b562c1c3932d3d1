//! The shipped evaluation system meets what the policy issue asks of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeSet;
use xuncha_core::CentreType;
use xuncha_core::template::{StatFigure, TemplateFile, builtin_templates, resolve_variant};

#[test]
fn one_template_per_centre_type_with_enough_items() {
    let all = builtin_templates().unwrap();
    let types: BTreeSet<CentreType> = all.iter().map(|t| t.centre_type).collect();
    assert_eq!(types.len(), 4);
    let count = |id: &str| all.iter().find(|t| t.id == id).unwrap().items().count();
    assert!(count("community") >= 40, "{}", count("community"));
    assert!(count("village") >= 25, "{}", count("village"));
    assert!(count("township") >= 30 && count("block") >= 30);
}

#[test]
fn every_template_cites_sources_states_the_proposal_and_records_attachment_5() {
    let mut answer_types = BTreeSet::new();
    for t in builtin_templates().unwrap() {
        assert!(
            t.weights_note.zh.contains("建议") && t.weights_note.en.to_lowercase().contains("proposal"),
            "{}",
            t.id
        );
        assert!(t.items().all(|(_, i)| !i.source.zh.trim().is_empty() && !i.source.en.trim().is_empty()));
        assert!(t.items().any(|(_, i)| i.critical), "{} has no veto item", t.id);
        let stats: BTreeSet<StatFigure> = t.items().filter_map(|(_, i)| i.stat).collect();
        for s in [StatFigure::Turnover10kYuan, StatFigure::ServiceVisits, StatFigure::Staff] {
            assert!(stats.contains(&s), "{} lacks {s:?}", t.id);
        }
        answer_types.extend(t.items().map(|(_, i)| i.answer.type_name()));
    }
    let expected =
        ["choice_many", "choice_one", "computed", "number", "respondents", "sample", "scale", "text", "yes_no"];
    assert_eq!(answer_types.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn the_shipped_variant_resolves() {
    let src = include_str!("../../../../templates/variants/hebei-community.toml");
    let TemplateFile::Variant(v) = TemplateFile::parse("templates/variants/hebei-community.toml", src).unwrap() else {
        panic!("expected a variant");
    };
    let base = builtin_templates().unwrap().into_iter().find(|t| t.reference() == v.base).unwrap();
    let t = resolve_variant(&v, &base, "hebei").unwrap();
    assert_eq!(t.base.unwrap().id, "community");
    assert_ne!(t.id, "community");
}

/// Version 2 cites in Chinese for Chinese readers: no zh citation is the
/// English text, and none cites Handan's city rules any more.
#[test]
fn the_current_templates_cite_in_both_languages() {
    let current: Vec<_> = builtin_templates().unwrap().into_iter().filter(|t| t.version == 2).collect();
    assert_eq!(current.len(), 4);
    for t in &current {
        for (_, i) in t.items() {
            assert_ne!(i.source.zh, i.source.en, "{} {}", t.id, i.id);
            assert!(!i.source.zh.contains("Handan") && !i.source.zh.contains("邯郸"), "{} {}", t.id, i.id);
            let latin = i.source.zh.chars().filter(char::is_ascii_alphabetic).count();
            let han = i.source.zh.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
            assert!(han > latin, "{} {}: {}", t.id, i.id, i.source.zh);
        }
        assert!(t.sections.iter().any(|s| s.is_bonus()), "{} has no 加分项", t.id);
    }
}
