//! One broken template per error kind: each error names the file, the item
//! (where there is one) and what is wrong.
use crate::common;

use crate::common::MINI;
use xuncha_core::template::{TemplateErrorKind as K, TemplateErrors, parse_template, parse_variant, resolve_variant};

const FILE: &str = "provinces/broken.toml";

/// The fixture with `from` replaced by `to` (which must occur).
fn broken(from: &str, to: &str) -> TemplateErrors {
    assert!(MINI.contains(from), "fixture lacks {from:?}");
    let src = MINI.replacen(from, to, 1);
    parse_template(FILE, &src).expect_err("the broken template must be refused")
}

fn expect(errors: &TemplateErrors, item: Option<&str>, pred: impl Fn(&K) -> bool) {
    let found = errors.0.iter().find(|e| pred(&e.kind));
    let e = found.unwrap_or_else(|| panic!("expected error not found in: {errors}"));
    assert_eq!(e.file, FILE);
    assert_eq!(e.item.as_deref(), item, "{e}");
    let text = e.to_string();
    assert!(text.starts_with(FILE), "{text}");
    if let Some(item) = item {
        assert!(text.contains(&format!("item `{item}`")), "{text}");
    }
}

#[test]
fn the_fixture_itself_is_valid() {
    parse_template(FILE, MINI).unwrap();
}

#[test]
fn unknown_answer_type_names_the_item() {
    let e =
        broken(r#"answer = { type = "scale", min = 1, max = 5 }"#, r#"answer = { type = "slider", min = 1, max = 5 }"#);
    expect(&e, Some("fac.condition"), |k| matches!(k, K::Parse(m) if m.contains("slider")));
}

#[test]
fn misspelt_field_names_the_item() {
    let e = broken("na_allowed = true", "na_alowed = true");
    expect(&e, Some("fac.condition"), |k| matches!(k, K::Parse(m) if m.contains("na_alowed")));
}

#[test]
fn toml_syntax_error() {
    let e = broken("weight = 40", "weight = = 40");
    expect(&e, None, |k| matches!(k, K::Parse(_)));
}

#[test]
fn section_weights_must_add_up() {
    let e = broken("weight = 40", "weight = 45");
    expect(&e, None, |k| matches!(k, K::WeightsNotHundred(w) if (*w - 105.0).abs() < 1e-9));
}

#[test]
fn duplicate_item_id() {
    let e = broken(r#"id = "q.goods""#, r#"id = "q.credit""#);
    expect(&e, Some("q.credit"), |k| matches!(k, K::DuplicateId(id) if id == "q.credit"));
}

#[test]
fn bad_id() {
    let e = broken(r#"id = "q.goods""#, r#"id = "Q Goods""#);
    expect(&e, Some("Q Goods"), |k| matches!(k, K::BadId(_)));
}

#[test]
fn missing_translation() {
    let e = broken(r#"en = "Kinds of goods""#, r#"en = """#);
    expect(&e, Some("q.goods"), |k| matches!(k, K::MissingTranslation { language: "en", .. }));
}

#[test]
fn missing_source() {
    let e = broken(r#"source = "rural shop rule""#, r#"source = " ""#);
    expect(&e, Some("q.goods"), |k| matches!(k, K::MissingSource));
}

#[test]
fn threshold_on_non_numeric_item() {
    let e =
        broken("veto = { answer = \"no\" }", "veto = { answer = \"no\" }\nthresholds = [{ gte = 1, fraction = 1.0 }]");
    expect(&e, Some("q.credit"), |k| matches!(k, K::ThresholdOnNonNumeric("yes_no")));
}

#[test]
fn scored_number_without_thresholds() {
    let e = broken("thresholds = [{ gte = 600, fraction = 1.0 }, { gte = 400, fraction = 0.5 }]", "");
    expect(&e, Some("q.goods"), |k| matches!(k, K::MissingThresholds));
}

#[test]
fn bad_threshold() {
    let e = broken("{ gte = 400, fraction = 0.5 }", "{ gte = 400, fraction = 1.5 }");
    expect(&e, Some("q.goods"), |k| matches!(k, K::BadThreshold));
}

#[test]
fn veto_without_rule() {
    let e = broken("veto = { answer = \"no\" }", "");
    expect(&e, Some("q.credit"), |k| matches!(k, K::VetoWithoutRule));
}

#[test]
fn rule_without_critical() {
    let e = broken("critical = true\nveto = { answer = \"no\" }", "veto = { answer = \"no\" }");
    expect(&e, Some("q.credit"), |k| matches!(k, K::RuleWithoutCritical));
}

#[test]
fn veto_rule_that_does_not_fit_the_answer_type() {
    let e = broken("veto = { answer = \"no\" }", "veto = { below = 3 }");
    expect(&e, Some("q.credit"), |k| matches!(k, K::VetoMismatch { rule: "below", answer_type: "yes_no" }));
}

#[test]
fn veto_with_two_rules() {
    let e = broken("veto = { answer = \"no\" }", "veto = { answer = \"no\", below = 1 }");
    expect(&e, Some("q.credit"), |k| matches!(k, K::AmbiguousVeto));
}

#[test]
fn veto_on_unknown_option() {
    let e = broken(r#"veto = { options = ["none"] }"#, r#"veto = { options = ["nothing"] }"#);
    expect(&e, Some("fac.mgmt"), |k| matches!(k, K::UnknownOption(_)));
}

#[test]
fn text_with_points() {
    let e = broken("answer = { type = \"text\" }", "answer = { type = \"text\" }\npoints = 2");
    expect(&e, Some("q.remarks"), |k| matches!(k, K::TextWithPoints));
}

#[test]
fn scale_bounds() {
    let e = broken("min = 1, max = 5", "min = 5, max = 1");
    expect(&e, Some("fac.condition"), |k| matches!(k, K::BadScale { .. }));
}

#[test]
fn option_points_that_cannot_reach_the_item_points() {
    let e = broken("points = 6\nanswer = { type = \"choice_many\"", "points = 9\nanswer = { type = \"choice_many\"");
    expect(&e, Some("svc.basic"), |k| matches!(k, K::OptionPointsBelowItem { .. }));
}

#[test]
fn choice_one_option_with_points() {
    let e = broken(
        "label = { zh = \"部分\", en = \"Partial\" }, fraction = 0.5",
        "label = { zh = \"部分\", en = \"Partial\" }, points = 1",
    );
    expect(&e, Some("fac.mgmt"), |k| matches!(k, K::BadOptions(m) if m.contains("partial")));
}

#[test]
fn applies_if_to_an_unknown_item() {
    let e = broken(r#"applies_if = { item = "svc.sells_food""#, r#"applies_if = { item = "svc.sells_fud""#);
    expect(&e, Some("svc.food_licence"), |k| matches!(k, K::UnknownReference { what: "applies_if", .. }));
}

#[test]
fn gate_items_carry_no_points() {
    let e = broken(
        "source = \"Handan 2023\"\nanswer = { type = \"yes_no\" }",
        "source = \"Handan 2023\"\npoints = 1\nanswer = { type = \"yes_no\" }",
    );
    expect(&e, Some("svc.food_licence"), |k| matches!(k, K::ReferenceCarriesPoints { .. }));
}

#[test]
fn computed_operand_must_be_a_number_fact() {
    let e = broken("numerator = \"item:fac.area\"", "numerator = \"item:svc.sells_food\"");
    expect(&e, Some("fac.per100"), |k| matches!(k, K::ReferenceTypeMismatch { answer_type: "yes_no", .. }));
    let e = broken("denominator = \"centre:households\"", "denominator = \"centre:rooms\"");
    expect(&e, Some("fac.per100"), |k| matches!(k, K::Parse(m) if m.contains("rooms")));
}

#[test]
fn stat_on_a_scored_item() {
    let e = broken("stat = \"turnover10k_yuan\"", "stat = \"turnover10k_yuan\"\npoints = 1");
    expect(&e, Some("fig.turnover"), |k| matches!(k, K::BadStat));
}

#[test]
fn points_in_a_zero_weight_section() {
    let src = MINI.replacen(
        "answer = { type = \"number\", unit = \"万元\", min = 0 }\nstat = \"turnover10k_yuan\"",
        "answer = { type = \"yes_no\" }\npoints = 1",
        1,
    );
    assert_ne!(src, MINI);
    let e = parse_template(FILE, &src).unwrap_err();
    assert_eq!(e.0[0].section.as_deref(), Some("figures"));
    expect(&e, None, |k| matches!(k, K::PointsWithoutWeight));
}

#[test]
fn grade_bands_in_order() {
    let e = broken("weights_note", "grades = { excellent = 90, good = 95, pass = 60 }\nweights_note");
    expect(&e, None, |k| matches!(k, K::BadGrades));
}

#[test]
fn unsupported_format() {
    let e = broken("format = 1", "format = 7");
    expect(&e, None, |k| matches!(k, K::UnsupportedFormat(7)));
}

#[test]
fn oversized_file() {
    let src = format!("{MINI}\n# {}", "x".repeat(1024 * 1024));
    let e = parse_template(FILE, &src).unwrap_err();
    expect(&e, None, |k| matches!(k, K::TooLarge(_)));
}

#[test]
fn all_problems_are_reported_at_once() {
    let src =
        MINI.replacen("weight = 40", "weight = 41", 1).replacen(r#"source = "rural shop rule""#, r#"source = """#, 1);
    let e = parse_template(FILE, &src).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
}

const VARIANT: &str = r#"
format = 1
id = "mini-hebei"
version = 2
province = "河北省"
title = { zh = "河北测试", en = "Hebei test" }
base = { id = "mini", version = 3 }
remove = ["q.remarks"]

[section_weights]
services = 50
quality = 20

[items."q.goods"]
points = 6
thresholds = [{ gte = 800, fraction = 1.0 }]

[[add]]
section = "quality"
after = "q.credit"
[add.item]
id = "q.price_display"
title = { zh = "明码标价", en = "Prices displayed" }
source = "河北省地方标准 (example)"
points = 2
answer = { type = "yes_no" }
"#;

#[test]
fn variant_resolves_with_its_own_id_and_version() {
    let base = common::mini();
    let v = parse_variant("variants/hebei.toml", VARIANT).unwrap();
    let t = resolve_variant(&v, &base, "variants/hebei.toml").unwrap();
    assert_eq!((t.id.as_str(), t.version), ("mini-hebei", 2));
    assert_eq!(t.base.as_ref().unwrap().to_string(), "mini@3");
    assert_eq!(t.province.as_deref(), Some("河北省"));
    assert_eq!(t.sections[0].weight, 50.0);
    assert_eq!(t.item("q.goods").unwrap().points, 6.0);
    assert_eq!(t.item("q.goods").unwrap().thresholds.len(), 1);
    assert!(t.item("q.remarks").is_none());
    let quality: Vec<&str> = t.sections[2].items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(quality, ["q.credit", "q.price_display", "q.satisfaction", "q.goods"]);
    assert_eq!(t.weights_note, base.weights_note, "the base's note is kept when the variant has none");
}

#[test]
fn broken_variants_are_refused_with_reasons() {
    let base = common::mini();
    let file = "variants/hebei.toml";
    type Case<'a> = (&'a str, &'a str, fn(&K) -> bool);
    let cases: [Case; 5] = [
        ("services = 50", "services = 60", |k| matches!(k, K::WeightsNotHundred(_))),
        ("[items.\"q.goods\"]", "[items.\"q.nope\"]", |k| matches!(k, K::VariantUnknownTarget { .. })),
        ("version = 3 }", "version = 2 }", |k| matches!(k, K::BaseVersionMismatch { .. })),
        ("remove = [\"q.remarks\"]", "remove = [\"q.gone\"]", |k| matches!(k, K::VariantUnknownTarget { .. })),
        ("[items.\"q.goods\"]\npoints = 6", "[items.\"q.credit\"]\npoints = 6", |k| {
            matches!(k, K::ThresholdOnNonNumeric(_))
        }),
    ];
    for (from, to, pred) in cases {
        assert!(VARIANT.contains(from), "{from}");
        let v = parse_variant(file, &VARIANT.replacen(from, to, 1)).unwrap();
        let e = resolve_variant(&v, &base, file).unwrap_err();
        assert!(e.kinds().any(pred), "{from} → {to}: {e}");
        assert!(e.to_string().starts_with(file));
    }
    let bad_item = VARIANT.replacen("answer = { type = \"yes_no\" }", "answer = { type = \"maybe\" }", 1);
    let e = parse_variant(file, &bad_item).unwrap_err();
    assert_eq!(e.0[0].item.as_deref(), Some("q.price_display"), "{e}");
}

#[test]
fn conflicting_item_flags_and_ratio_thresholds() {
    let e = broken(
        "critical = true\nveto = { answer = \"no\" }",
        "critical = true\nna_allowed = true\nveto = { answer = \"no\" }",
    );
    expect(&e, Some("q.credit"), |k| matches!(k, K::Conflicting(m) if m.contains("veto")));
    let e = broken("{ gte = 0.9, fraction = 1.0 }", "{ gte = 90, fraction = 1.0 }");
    expect(&e, Some("q.satisfaction"), |k| matches!(k, K::BadThreshold));
    let e = broken("min = 1, max = 5", "min = -9223372036854775808, max = 9223372036854775807");
    expect(&e, Some("fac.condition"), |k| matches!(k, K::BadScale { .. }));
    let e = broken("points = 8", "points = 1e308");
    expect(&e, Some("q.satisfaction"), |k| matches!(k, K::BadNumber { .. }));
}

#[test]
fn a_variant_add_without_its_item_is_refused() {
    let src = VARIANT.replacen(
        "[[add]]\nsection = \"quality\"",
        "[[add]]\nsection = \"services\"\n[[add]]\nsection = \"quality\"",
        1,
    );
    assert_ne!(src, VARIANT);
    let e = parse_variant("variants/hebei.toml", &src).unwrap_err();
    assert!(e.to_string().contains("no [add.item]"), "{e}");
}

const BONUS: &str = r#"
[[sections]]
id = "bonus"
title = { zh = "加分项", en = "Bonus points" }
kind = "bonus"
cap = 3

[[sections.items]]
id = "b.chain"
title = { zh = "品牌连锁入驻", en = "Branded chains" }
source = { zh = "商服贸函〔2018〕157号第二部分（三）", en = "商服贸函〔2018〕157号 二(三)" }
answer = { type = "yes_no" }
points = 2

[[sections.items]]
id = "b.app"
title = { zh = "线上服务", en = "Online services" }
source = { zh = "商服贸函〔2018〕157号第二部分（四）", en = "商服贸函〔2018〕157号 二(四)" }
answer = { type = "yes_no" }
points = 2
"#;

fn with_bonus(from: &str, to: &str) -> Result<xuncha_core::template::Template, TemplateErrors> {
    let bonus = BONUS.replacen(from, to, 1);
    assert!(from.is_empty() || BONUS.contains(from), "bonus fixture lacks {from:?}");
    parse_template(FILE, &format!("{}{bonus}", common::MINI))
}

#[test]
fn a_bonus_section_with_bilingual_sources_is_valid_and_old_string_sources_still_read() {
    let t = with_bonus("", "").unwrap();
    let bonus = t.sections.iter().find(|s| s.id == "bonus").unwrap();
    assert!(bonus.is_bonus());
    assert_eq!(bonus.cap, Some(3.0));
    assert_eq!(t.item("b.chain").unwrap().source.zh, "商服贸函〔2018〕157号第二部分（三）");
    // The fixture's one-string sources read as the same text in both languages.
    let old = &t.item("svc.basic").unwrap().source;
    assert_eq!((old.zh.as_str(), old.en.as_str()), ("商服贸函〔2018〕157号 二(二)", "商服贸函〔2018〕157号 二(二)"));
}

#[test]
fn bonus_sections_are_checked() {
    let e = with_bonus("cap = 3", "cap = 3\nweight = 5").unwrap_err();
    expect(&e, None, |k| matches!(k, K::BadBonus(m) if m.contains("no weight")));
    let e = with_bonus("cap = 3\n", "").unwrap_err();
    expect(&e, None, |k| matches!(k, K::BadBonus(m) if m.contains("cap")));
    let e = with_bonus("cap = 3", "cap = 5").unwrap_err();
    expect(&e, None, |k| matches!(k, K::BonusCapUnreachable { sum, cap } if *sum == 4.0 && *cap == 5.0));
    let e = with_bonus(
        "points = 2\n\n[[sections.items]]\nid = \"b.app\"",
        "points = 2\ncritical = true\nveto = { answer = \"no\" }\n\n[[sections.items]]\nid = \"b.app\"",
    )
    .unwrap_err();
    expect(&e, Some("b.chain"), |k| matches!(k, K::BadBonus(m) if m.contains("cannot veto")));
    let e = broken("weight = 40", "weight = 40\ncap = 2");
    expect(&e, None, |k| matches!(k, K::BadBonus(m) if m.contains("only a bonus section")));
}

#[test]
fn a_zone_condition_stands_alone() {
    let zoned = "applies_if = { zone = \"west\" }";
    assert!(MINI.contains("applies_if = { item = \"svc.sells_food\", equals = true }"));
    let src = MINI.replacen("applies_if = { item = \"svc.sells_food\", equals = true }", zoned, 1);
    parse_template(FILE, &src).unwrap();
    let e = broken(
        "applies_if = { item = \"svc.sells_food\", equals = true }",
        "applies_if = { item = \"svc.sells_food\", equals = true, zone = \"west\" }",
    );
    expect(&e, Some("svc.food_licence"), |k| matches!(k, K::AmbiguousCondition));
    let e = broken("applies_if = { item = \"svc.sells_food\", equals = true }", "applies_if = { zone = \"north\" }");
    expect(&e, Some("svc.food_licence"), |k| matches!(k, K::Parse(m) if m.contains("north")));
}

#[test]
fn a_bilingual_source_needs_both_languages() {
    let e = broken("source = \"Handan 2023\"", "source = { zh = \"\", en = \"Handan 2023\" }");
    expect(
        &e,
        Some("svc.sells_food"),
        |k| matches!(k, K::MissingTranslation { field, language } if field == "source" && *language == "zh"),
    );
    let e = broken("source = \"Handan 2023\"", "source = { zh = \"邯郸\" }");
    expect(&e, Some("svc.sells_food"), |k| matches!(k, K::Parse(m) if m.contains("zh = ")));
}
