//! The public pages (一公开): the index of published plans and one plan's
//! results with its corrections. Plain HTML (maud escapes every value), no
//! script, nothing personal.

use super::store::PublicRecord;
use crate::dates;
use maud::{DOCTYPE, Markup, PreEscaped, html};

const STYLE: &str = "
body { font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif; color: #1b1f24; margin: 0 auto;
       max-width: 960px; padding: 16px; line-height: 1.6; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 17px; margin: 20px 0 8px; }
.meta { color: #57606a; font-size: 14px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { border-bottom: 1px solid #d0d7de; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.correction { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; border-radius: 6px; }
a { color: #0b4f8a; }
@media print { a { color: inherit; text-decoration: none; } }
";

fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

fn region(r: &PublicRecord) -> String {
    [&r.scope.province, &r.scope.city, &r.scope.county].into_iter().filter(|s| !s.is_empty()).cloned().collect()
}

fn grade_zh(g: Option<xuncha_core::scoring::Grade>) -> &'static str {
    g.map_or("尚未完成", |g| g.zh())
}

/// `/public`: every published plan, newest first.
pub fn index(records: &[PublicRecord]) -> String {
    page(
        "双随机抽查结果公示",
        html! {
            h1 { "双随机抽查结果公示" }
            p.meta { "城乡便民消费服务中心督查检查（商服贸函〔2018〕157号）。随机种子随结果公开，任何人可复现抽取结果。" }
            @if records.is_empty() { p { "暂无公示。" } }
            table {
                thead { tr { th { "计划" } th { "地区" } th { "季度" } th { "检查中心数" } th { "公示日期" } } }
                tbody {
                    @for r in records {
                        tr {
                            td { a href={ "/public/plans/" (r.plan_id) } { (r.title) } @if r.version > 1 { " （已更正）" } }
                            td { (region(r)) }
                            td { (r.quarter) }
                            td { (r.rows.len()) }
                            td { (dates::date_of(r.published_at).to_string()) }
                        }
                    }
                }
            }
        },
    )
}

/// `/public/plans/{id}`: one version of a plan's results, and its history.
pub fn plan(shown: &PublicRecord, versions: &[PublicRecord]) -> String {
    page(
        &shown.title,
        html! {
            p { a href="/public" { "← 全部公示" } }
            h1 { (shown.title) }
            p.meta {
                (region(shown)) " · " (shown.quarter) " · " (shown.purpose.zh()) " · 随机种子 " code { (shown.seed) }
                " · 第" (shown.version) "版，" (dates::date_of(shown.published_at).to_string()) "公示"
            }
            @if !shown.reason.is_empty() { p.correction { "更正说明：" (shown.reason) } }
            table {
                thead { tr { th { "中心" } th { "类型" } th { "区县 / 乡镇街道" } th { "检查结果" } th { "审核日期" } th { "整改情况" } } }
                tbody {
                    @for r in &shown.rows {
                        tr {
                            td { (r.centre_name) br; span.meta { (r.centre_code) } }
                            td { (r.centre_type.zh()) }
                            td { (r.county) " " (r.township) }
                            td { (grade_zh(r.grade)) }
                            td { (r.approved_on.as_deref().unwrap_or("—")) }
                            td {
                                @match (r.open_problems, r.closed_problems) {
                                    (0, 0) => { "未发现问题" }
                                    (0, closed) => { "已整改（" (closed) "项）" }
                                    (open, closed) => { "整改中（" (open) "项未销号，" (closed) "项已销号）" }
                                }
                            }
                        }
                    }
                }
            }
            @if versions.len() > 1 {
                h2 { "版本记录" }
                ul {
                    @for v in versions.iter().rev() {
                        li {
                            a href={ "/public/plans/" (v.plan_id) "?version=" (v.version) } { "第" (v.version) "版" }
                            " " (dates::date_of(v.published_at).to_string())
                            @if !v.reason.is_empty() { "：" (v.reason) }
                        }
                    }
                }
            }
        },
    )
}
