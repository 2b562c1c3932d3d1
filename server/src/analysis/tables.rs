//! Where a region is weak: pure functions over the item losses, the county
//! averages, the rectification ledger and the reporting timeliness.

use super::store::ItemLossRow;
use crate::problems::store::LedgerRow;
use crate::stats::tables::CountyAverage;
use serde::Serialize;
use std::collections::BTreeMap;
use xuncha_core::CentreType;

/// Items a county's list names, at most.
pub const PER_COUNTY: usize = 3;
/// Items the region's list names per centre type, at most.
pub const PER_TYPE: usize = 10;

/// One requirement and how often it costs points (失分率 = points lost ÷
/// points possible over the inspections that scored it).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ItemLoss {
    #[schema(value_type = String)]
    #[ts(as = "String")]
    pub centre_type: CentreType,
    pub item: String,
    pub section: String,
    pub title_zh: String,
    pub title_en: String,
    pub inspections: u32,
    pub max_points: f64,
    pub lost_points: f64,
    /// 0–1, to four places.
    pub lost_rate: f64,
    /// Inspections the item vetoed (一票否决).
    pub vetoes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CountyWeakness {
    pub county: String,
    /// Its items with the highest 失分率, worst first.
    pub items: Vec<ItemLoss>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CountyRank {
    pub rank: u32,
    pub county: String,
    pub average: f64,
    pub inspections: u32,
}

/// 整改销号率: problems closed of those issued.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CountyClosure {
    pub county: String,
    pub issued: u64,
    pub closed: u64,
    pub overdue: u64,
    /// closed ÷ issued, to four places; None when nothing was issued.
    pub rate: Option<f64>,
}

fn rate(lost: f64, max: f64) -> f64 {
    if max > 0.0 { (lost / max * 10_000.0).round() / 10_000.0 } else { 0.0 }
}

/// The rows summed over counties (the region's view) or kept per county.
fn merge<'a>(rows: impl Iterator<Item = &'a ItemLossRow>) -> BTreeMap<(CentreType, String), ItemLossRow> {
    let mut out: BTreeMap<(CentreType, String), ItemLossRow> = BTreeMap::new();
    for r in rows {
        let e = out.entry((r.centre_type, r.item.clone())).or_insert_with(|| ItemLossRow {
            inspections: 0,
            max_points: 0.0,
            lost_points: 0.0,
            vetoes: 0,
            ..r.clone()
        });
        e.inspections += r.inspections;
        e.max_points += r.max_points;
        e.lost_points += r.lost_points;
        e.vetoes += r.vetoes;
        e.template_version = e.template_version.max(r.template_version);
    }
    out
}

fn loss(r: &ItemLossRow, title: &dyn Fn(&ItemLossRow) -> (String, String)) -> ItemLoss {
    let (title_zh, title_en) = title(r);
    ItemLoss {
        centre_type: r.centre_type,
        item: r.item.clone(),
        section: r.section.clone(),
        title_zh,
        title_en,
        inspections: r.inspections,
        max_points: (r.max_points * 100.0).round() / 100.0,
        lost_points: (r.lost_points * 100.0).round() / 100.0,
        lost_rate: rate(r.lost_points, r.max_points),
        vetoes: r.vetoes,
    }
}

fn worst_first(mut items: Vec<ItemLoss>) -> Vec<ItemLoss> {
    items.sort_by(|a, b| {
        b.lost_rate.total_cmp(&a.lost_rate).then(b.vetoes.cmp(&a.vetoes)).then(b.lost_points.total_cmp(&a.lost_points))
    });
    items
}

/// The region's items that lose points, per centre type, worst first.
pub fn items(rows: &[ItemLossRow], title: &dyn Fn(&ItemLossRow) -> (String, String)) -> Vec<ItemLoss> {
    let mut by_type: BTreeMap<CentreType, Vec<ItemLoss>> = BTreeMap::new();
    for r in merge(rows.iter()).values().filter(|r| r.max_points > 0.0 && r.lost_points > 0.0) {
        by_type.entry(r.centre_type).or_default().push(loss(r, title));
    }
    by_type.into_values().flat_map(|v| worst_first(v).into_iter().take(PER_TYPE)).collect()
}

/// Each county's items that lose most (any centre type), worst first.
pub fn by_county(rows: &[ItemLossRow], title: &dyn Fn(&ItemLossRow) -> (String, String)) -> Vec<CountyWeakness> {
    let mut counties: BTreeMap<&str, Vec<&ItemLossRow>> = BTreeMap::new();
    for r in rows {
        counties.entry(&r.county).or_default().push(r);
    }
    counties
        .into_iter()
        .map(|(county, rows)| {
            let items: Vec<ItemLoss> = merge(rows.into_iter())
                .values()
                .filter(|r| r.max_points > 0.0 && r.lost_points > 0.0)
                .map(|r| loss(r, title))
                .collect();
            CountyWeakness {
                county: county.to_owned(),
                items: worst_first(items).into_iter().take(PER_COUNTY).collect(),
            }
        })
        .collect()
}

/// Items that vetoed inspections (一票否决), most often first.
pub fn vetoes(rows: &[ItemLossRow], title: &dyn Fn(&ItemLossRow) -> (String, String)) -> Vec<ItemLoss> {
    let mut out: Vec<ItemLoss> = merge(rows.iter()).values().filter(|r| r.vetoes > 0).map(|r| loss(r, title)).collect();
    out.sort_by(|a, b| b.vetoes.cmp(&a.vetoes).then(a.item.cmp(&b.item)));
    out
}

/// Counties by average score, best first; equal averages share a rank.
pub fn ranking(averages: &[CountyAverage]) -> Vec<CountyRank> {
    let mut sorted: Vec<&CountyAverage> = averages.iter().collect();
    sorted.sort_by(|a, b| b.average.total_cmp(&a.average).then(a.county.cmp(&b.county)));
    let mut out: Vec<CountyRank> = Vec::new();
    for (i, a) in (1u32..).zip(sorted) {
        let rank = match out.last() {
            Some(last) if last.average == a.average => last.rank,
            _ => i,
        };
        out.push(CountyRank { rank, county: a.county.clone(), average: a.average, inspections: a.count });
    }
    out
}

pub fn closure(ledger: &[LedgerRow]) -> Vec<CountyClosure> {
    ledger
        .iter()
        .map(|l| {
            let closed = l.closed_on_time + l.closed_late;
            let issued = l.open + l.overdue + closed;
            CountyClosure {
                county: l.county.clone(),
                issued,
                closed,
                overdue: l.overdue,
                rate: (issued > 0).then(|| (closed as f64 / issued as f64 * 10_000.0).round() / 10_000.0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(county: &str, item: &str, n: u32, lost: f64, vetoes: u32) -> ItemLossRow {
        ItemLossRow {
            county: county.into(),
            centre_type: CentreType::Village,
            template_id: "village".into(),
            template_version: 1,
            item: item.into(),
            section: "s".into(),
            inspections: n,
            max_points: f64::from(n) * 4.0,
            lost_points: lost,
            vetoes,
        }
    }

    fn title(r: &ItemLossRow) -> (String, String) {
        (format!("{}题", r.item), r.item.clone())
    }

    #[test]
    fn the_region_sums_its_counties_and_ranks_items_by_the_share_of_points_lost() {
        let rows = [
            row("长安区", "fire", 2, 8.0, 2),
            row("桥西区", "fire", 2, 0.0, 0),
            row("长安区", "price", 2, 2.0, 0),
            row("桥西区", "price", 2, 6.0, 0),
        ];
        let all = items(&rows, &title);
        assert_eq!(
            all.iter().map(|i| (i.item.as_str(), i.lost_rate)).collect::<Vec<_>>(),
            [("fire", 0.5), ("price", 0.5)],
            "a tie goes to the item that vetoes"
        );
        assert_eq!(all[0].title_zh, "fire题");
        let counties = by_county(&rows, &title);
        assert_eq!(counties[0].county, "桥西区");
        assert_eq!(counties[0].items.len(), 1, "an item that lost nothing is not a weakness");
        assert_eq!((counties[1].items[0].item.as_str(), counties[1].items[0].lost_rate), ("fire", 1.0));
        let v = vetoes(&rows, &title);
        assert_eq!((v.len(), v[0].vetoes), (1, 2));
    }

    #[test]
    fn equal_averages_share_a_rank_and_closure_counts_issued_problems() {
        let avg = |county: &str, average: f64| CountyAverage { county: county.into(), average, count: 3 };
        let r = ranking(&[avg("甲", 80.0), avg("乙", 90.0), avg("丙", 80.0)]);
        assert_eq!(
            r.iter().map(|x| (x.rank, x.county.as_str())).collect::<Vec<_>>(),
            [(1, "乙"), (2, "丙"), (2, "甲")]
        );
        let l = LedgerRow {
            city: "石家庄市".into(),
            county: "长安区".into(),
            draft: 9,
            open: 1,
            overdue: 1,
            closed_on_time: 1,
            closed_late: 1,
        };
        let c = closure(&[l]);
        assert_eq!((c[0].issued, c[0].closed, c[0].rate), (4, 2, Some(0.5)), "drafts were never issued");
    }
}
