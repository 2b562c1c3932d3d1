//! The rectification notice (整改通知书) as a printable A4 page in Chinese:
//! the issuing office, the number, the centre, each problem with its
//! required action and deadline, and a receipt line for the centre to sign.
//! Rendered by maud, which escapes every value.

use super::store::{Notice, Problem};
use maud::{DOCTYPE, PreEscaped, html};

const STYLE: &str = "
@page { size: A4; margin: 20mm 18mm; }
body { font-family: 'Noto Serif CJK SC', 'Source Han Serif SC', 'SimSun', serif; color: #000; margin: 0 auto;
       max-width: 174mm; font-size: 12pt; line-height: 1.7; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.3em; margin: 4mm 0 0; }
.office { text-align: center; font-size: 15pt; color: #c00; margin-top: 6mm; }
.number { text-align: center; margin: 2mm 0 6mm; }
.rule { border-top: 2px solid #c00; margin-bottom: 6mm; }
p { text-indent: 2em; margin: 2mm 0; }
p.to { text-indent: 0; }
table { width: 100%; border-collapse: collapse; margin: 4mm 0; font-size: 10.5pt; page-break-inside: auto; }
th, td { border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; }
tr { page-break-inside: avoid; }
th { background: #f2f2f2; }
.sign { margin-top: 12mm; text-align: right; }
.receipt { margin-top: 14mm; border-top: 1px dashed #000; padding-top: 4mm; }
";

/// 2026-12-04 → 2026年12月4日.
fn chinese_date(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-').map(|p| p.trim_start_matches('0'));
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{y}年{m}月{d}日"),
        _ => iso.to_owned(),
    }
}

/// 2026Q4 → 2026年第四季度.
fn chinese_quarter(q: &str) -> String {
    let n = ["一", "二", "三", "四"];
    match (q.get(..4), q.get(5..).and_then(|k| k.parse::<usize>().ok()).and_then(|k| n.get(k.wrapping_sub(1)))) {
        (Some(y), Some(k)) => format!("{y}年第{k}季度"),
        _ => q.to_owned(),
    }
}

pub fn render(notice: &Notice, problems: &[Problem]) -> String {
    let quarters: std::collections::BTreeSet<&str> = problems.iter().map(|p| p.quarter.as_str()).collect();
    let checked = quarters.into_iter().map(chinese_quarter).collect::<Vec<_>>().join("、");
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                title { "整改通知书 " (notice.number) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                div.office { (notice.office) }
                h1 { "整改通知书" }
                div.number { (notice.number) }
                div.rule {}
                p.to { (notice.centre_name) "（中心编码 " (notice.centre_code) "）：" }
                p {
                    "根据《商务部关于加快城乡便民消费服务中心建设的指导意见》（商服贸函〔2018〕157号）和便民消费服务中心考核评价体系，"
                    "我单位于" (checked) "对你中心进行了检查，发现以下问题。现通知你中心按下列要求限期整改，"
                    "并于整改期限届满前将整改情况（文字说明及照片）书面反馈我单位。我单位将组织复查，逾期未整改的，将依照有关规定处理。"
                }
                table {
                    thead { tr { th { "序号" } th { "检查项目" } th { "存在问题" } th { "类别" } th { "整改要求" } th { "整改期限" } } }
                    tbody {
                        @for (n, p) in problems.iter().enumerate() {
                            tr {
                                td { (n + 1) }
                                td { (p.title_zh) }
                                td { (p.finding) }
                                td { (p.severity.zh()) }
                                td { @if p.action.is_empty() { "按要求整改到位" } @else { (p.action) } }
                                td { (chinese_date(&p.deadline)) }
                            }
                        }
                    }
                }
                p { "整改责任单位：" (problems.first().map_or(notice.centre_name.as_str(), |p| p.responsible.as_str())) }
                div.sign {
                    div { (notice.office) "（盖章）" }
                    div { (chinese_date(&notice.issued_on)) }
                }
                div.receipt { "签收人：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日" }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::{chinese_date, chinese_quarter};

    #[test]
    fn dates_print_the_chinese_way() {
        assert_eq!(chinese_quarter("2026Q4"), "2026年第四季度");
        assert_eq!(chinese_quarter("2026Q9"), "2026Q9");
        assert_eq!(chinese_date("2027-01-05"), "2027年1月5日");
        assert_eq!(chinese_date("2026-12-30"), "2026年12月30日");
    }
}
