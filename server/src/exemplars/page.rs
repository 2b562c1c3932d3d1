//! The case write-up as a page to print and file (三(七)), and the public
//! page of centres under publicity (公示) and recognised. Plain HTML (maud
//! escapes every value), no script, no official's name.

use super::store::Exemplar;
use crate::dates;
use maud::{DOCTYPE, Markup, PreEscaped, html};

const STYLE: &str = "
body { font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', serif; color: #1b1f24; margin: 0 auto;
       max-width: 820px; padding: 16px; line-height: 1.7; }
h1 { font-size: 22px; text-align: center; margin: 12px 0; } h2 { font-size: 17px; margin: 20px 0 6px; }
.meta { color: #57606a; font-size: 14px; text-align: center; }
article { border-bottom: 1px solid #d0d7de; padding: 8px 0 16px; }
.state { font-size: 13px; padding: 1px 8px; border-radius: 10px; background: #ddf4ff; color: #0b4f8a; }
@media print { .state { border: 1px solid #888; } }
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

fn place(e: &Exemplar) -> String {
    [&e.region.province, &e.region.city, &e.region.county].into_iter().cloned().collect()
}

fn case(e: &Exemplar) -> Markup {
    html! {
        p { (e.case.summary) }
        @if !e.case.practices.is_empty() {
            h2 { "主要做法" }
            ol { @for p in &e.case.practices { li { (p) } } }
        }
        p.meta { "依据：" (crate::quarter::quarter_zh(&e.basis.quarter)) "正式检查，" (format!("{:.1}", e.basis.total)) " 分（优秀）" }
    }
}

/// One case write-up, ready to print.
pub fn case_page(e: &Exemplar) -> String {
    page(
        &e.case.title,
        html! {
            h1 { (e.case.title) }
            p.meta { (place(e)) " · " (e.centre_name) "（" (e.centre_type.zh()) "）" }
            (case(e))
            p.meta { "商服贸函〔2018〕157号 三(七) 总结推广可复制可推广经验" }
        },
    )
}

/// Centres under publicity (异议 until the date given) and recognised.
pub fn public_page(list: &[Exemplar]) -> String {
    let today = dates::today();
    page(
        "城乡便民消费服务中心标杆样板",
        html! {
            h1 { "城乡便民消费服务中心标杆样板" }
            p.meta { "公示期内如有异议，请向所在地商务主管部门反映。" }
            @if list.is_empty() { p { "暂无公示或认定的标杆样板。" } }
            @for e in list {
                article {
                    h2 { (e.centre_name) " " span.state {
                        @match e.comment_until.as_deref() {
                            Some(until) if e.state == super::store::ExemplarState::Publicized && today.as_str() <= until => { "公示中，至 " (until) }
                            _ if e.state == super::store::ExemplarState::Recognised => { "已认定" }
                            _ => { "公示期满，待认定" }
                        }
                    } }
                    p.meta { (place(e)) " · " (e.centre_type.zh()) " · " (e.case.title) }
                    (case(e))
                }
            }
        },
    )
}
