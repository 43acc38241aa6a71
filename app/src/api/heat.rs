//! The heat map: areas × shift (or job title, tag, assigned organizer), now or as of a
//! day, with a 12-week trend per row; a cell's people; the map as CSV.
//!
//! Leads see the campaign, organizers their scope only; viewers see counts only, with
//! cells under the campaign's minimum group size withheld, and cannot open a cell.
//! Every read is audited once.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use self::ssr::*;
use crate::domain::heat::{HeatCellDetail, HeatMap};
use crate::error::AppError;

/// The map. `dimension` "" is shift; `as_of` "" (or today) is the chart as it stands,
/// a past day (YYYY-MM-DD) is rebuilt from the histories as it stood at that day's end
/// (UTC); `days` "" is 30 (the "talked to" window); `trend` "" draws each row's 12-week
/// trend, "off" leaves it out (it costs more than the map itself: see BENCHMARKS.md).
#[server(prefix = "/api", endpoint = "heat/get")]
pub async fn get_heat_map(
    campaign_id: i64,
    #[server(default)] dimension: String,
    #[server(default)] as_of: String,
    #[server(default)] days: String,
    #[server(default)] trend: String,
) -> Result<HeatMap, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let with_trend = match trend.trim() {
        "" | "on" => true,
        "off" => false,
        _ => return Err(AppError::validation("trend", "Leave it empty, or \"off\".")),
    };
    let map = heat_map(&member, &dimension, &as_of, &days, with_trend).await?;
    member
        .audit("heat.read", "", describe(&map, map.rows.len()))
        .await?;
    Ok(map)
}

/// The people in one cell, by rating (1 first, unknown last): the row's area and its
/// sub-areas (`area_id` "" for the coworkers in no area) and the column `column` (a key
/// of [`HeatMap::columns`], "" for none). Leads and organizers (their scope); viewers
/// are Forbidden.
#[server(prefix = "/api", endpoint = "heat/cell")]
pub async fn get_heat_cell(
    campaign_id: i64,
    #[server(default)] dimension: String,
    #[server(default)] as_of: String,
    #[server(default)] days: String,
    #[server(default)] area_id: String,
    #[server(default)] column: String,
) -> Result<HeatCellDetail, AppError> {
    use crate::domain::heat::{group_by_rating, CELL_PEOPLE_MAX};
    use crate::domain::scope::subtree;
    let member = crate::auth::require_organizer(campaign_id).await?;
    let (params, today) = params(&dimension, &as_of, &days)?;
    if column.len() > COLUMN_KEY_MAX {
        return Err(AppError::validation(
            "column",
            "That column is not on the map.",
        ));
    }
    let store = member.store();
    let areas = store.list_areas(member.campaign()).await?;
    let (area_ids, area_name) = match area_id.trim() {
        "" => (None, "No area".to_owned()),
        raw => {
            let area = raw
                .parse::<i64>()
                .ok()
                .and_then(|id| areas.iter().find(|a| a.id == id))
                .ok_or_else(|| AppError::validation("area_id", "That area is not on the map."))?;
            (Some(subtree(&areas, &[area.id])), area.name.clone())
        }
    };
    let query = heat_query(&member, &params)?;
    let mut people = store
        .heat_people(
            member.campaign(),
            &query,
            area_ids.as_deref(),
            &column,
            CELL_PEOPLE_MAX + 1,
        )
        .await?;
    let truncated = people.len() > CELL_PEOPLE_MAX;
    people.truncate(CELL_PEOPLE_MAX);
    let count = people.len();
    let heading = columns(&member, params.dimension)
        .await?
        .into_iter()
        .find(|c| c.key == column)
        .unwrap_or_else(|| unknown_column(params.dimension, &column));
    member
        .audit(
            "heat.cell_read",
            area_ids
                .as_ref()
                .map(|ids| format!("area:{}", ids[0]))
                .unwrap_or_default(),
            format!(
                "dimension={} column={} as_of={} rows={count}",
                crate::domain::Choice::key(params.dimension),
                column,
                params.as_of.unwrap_or(today)
            ),
        )
        .await?;
    Ok(HeatCellDetail {
        area_id: area_ids.map(|ids| ids[0]),
        area_name,
        column: heading,
        as_of: params.as_of.unwrap_or(today),
        groups: group_by_rating(people),
        truncated,
    })
}

/// The map as CSV, for leads (audited; cells a spreadsheet would run are neutralized).
#[server(prefix = "/api", endpoint = "heat/export")]
pub async fn export_heat_map(
    campaign_id: i64,
    #[server(default)] dimension: String,
    #[server(default)] as_of: String,
    #[server(default)] days: String,
) -> Result<String, AppError> {
    heat_csv(campaign_id, &dimension, &as_of, &days).await
}

/// Server-only helpers of this file.
#[cfg(feature = "ssr")]
mod ssr {

    use chrono::{DateTime, NaiveDate, Utc};

    use crate::auth::InCampaign;
    use crate::domain::heat::{
        build, end_of_day, trend_weeks, Dimension, HeatColumn, HeatInput, HeatMap, HeatParams,
        TrendTally,
    };
    use crate::domain::{Choice, CoworkerScope, Role};
    use crate::error::AppError;
    use crate::kept::TrendKey;
    use crate::store::HeatQuery;

    /// A column key longer than this is no column (job titles and tags are shorter).
    pub(super) const COLUMN_KEY_MAX: usize = 200;

    pub(super) fn params(
        dimension: &str,
        as_of: &str,
        days: &str,
    ) -> Result<(HeatParams, NaiveDate), AppError> {
        let today = Utc::now().date_naive();
        Ok((HeatParams::parse(dimension, as_of, days, today)?, today))
    }

    /// Whose coworkers the caller's map counts: a viewer's are the campaign's, counts only.
    fn counted_scope(member: &InCampaign) -> Result<CoworkerScope, AppError> {
        match member.role() {
            Role::Viewer => Ok(CoworkerScope::Campaign),
            _ => member.scope().cloned(),
        }
    }

    pub(super) fn heat_query(
        member: &InCampaign,
        params: &HeatParams,
    ) -> Result<HeatQuery, AppError> {
        let moment = params.as_of.map(end_of_day);
        let now = Utc::now();
        Ok(HeatQuery {
            dimension: params.dimension,
            scope: counted_scope(member)?,
            before: moment,
            talked_since: moment.unwrap_or(now) - chrono::Duration::days(params.days),
        })
    }

    /// The columns a map shows even when empty: the shifts, or the organizers (named by
    /// e-mail for leads only: the members list is theirs).
    pub(super) async fn columns(
        member: &InCampaign,
        dimension: Dimension,
    ) -> Result<Vec<HeatColumn>, AppError> {
        let store = member.store();
        Ok(match dimension {
            Dimension::Shift => store
                .list_shifts(member.campaign())
                .await?
                .into_iter()
                .map(|s| HeatColumn {
                    key: s.id.to_string(),
                    label: s.name,
                })
                .collect(),
            Dimension::Organizer => store
                .list_members(member.campaign())
                .await?
                .into_iter()
                .filter(|m| m.role != Role::Viewer)
                .map(|m| HeatColumn {
                    key: m.user_id.to_string(),
                    label: if m.user_id == member.user_id() {
                        "You".to_owned()
                    } else if member.role() == Role::Lead {
                        m.email
                    } else {
                        format!("Organizer #{}", m.user_id)
                    },
                })
                .collect(),
            Dimension::JobTitle | Dimension::Tag => Vec::new(),
        })
    }

    pub(super) fn unknown_column(dimension: Dimension, key: &str) -> HeatColumn {
        HeatColumn {
            key: key.to_owned(),
            label: if key.is_empty() {
                dimension.none_label().to_owned()
            } else {
                key.to_owned()
            },
        }
    }

    async fn trend(
        member: &InCampaign,
        scope: &CoworkerScope,
        moments: &[DateTime<Utc>],
    ) -> Result<Vec<TrendTally>, AppError> {
        if moments.is_empty() {
            return Ok(Vec::new());
        }
        let store = member.store();
        let version = store.history_version().await?;
        let key: TrendKey = (
            member.campaign_id(),
            format!("{scope:?}"),
            moments.to_vec(),
            version,
        );
        let trends = &crate::state::app_state()?.trends;
        // Uncounted, a trend is a dozen past maps: a heavy read, taken in turn. Entries
        // counted with an older history can never be read again.
        let count = async {
            crate::api::heavy::read(store.heat_trend(member.campaign(), scope, moments))
                .await?
                .map_err(AppError::from)
        };
        trends.get_or_build(key, count, |k| k.3 != version).await
    }

    /// Counts and builds the caller's map (not audited: the caller audits its read).
    pub(super) async fn heat_map(
        member: &InCampaign,
        dimension: &str,
        as_of: &str,
        days: &str,
        with_trend: bool,
    ) -> Result<HeatMap, AppError> {
        let (mut params, today) = params(dimension, as_of, days)?;
        let campaign_id = member.campaign_id();
        let store = member.store();
        // A viewer's map counts the campaign, an organizer's their scope.
        let disclosure = member.disclosure().await?;
        let policy = match member.role() {
            Role::Viewer => disclosure.campaign_wide(),
            _ => disclosure.in_scope(),
        };
        // Protected readers compare days a week apart at the closest (the policy's grain).
        params.as_of = params.as_of.map(|day| policy.day(day));
        let query = heat_query(member, &params)?;
        let day = params.as_of.unwrap_or(today);
        let moments: Vec<_> = if with_trend {
            trend_weeks(day).into_iter().map(end_of_day).collect()
        } else {
            Vec::new()
        };
        // The reads run together: the map's time is its slowest query, not their sum.
        let (cells, trend, areas, columns) = tokio::try_join!(
            async {
                // A past map probes every coworker's history: a heavy read, taken in turn,
                // and kept while the chart stays.
                let cells = if query.before.is_some() {
                    let kept = &crate::state::app_state()?.past_maps;
                    let version = store.chart_version(member.campaign()).await?;
                    let key = (campaign_id, format!("{query:?}"), version);
                    let count = async {
                        crate::api::heavy::read(store.heat_cells(member.campaign(), &query))
                            .await?
                            .map_err(AppError::from)
                    };
                    kept.get_or_build(key, count, |&(c, _, v)| c == campaign_id && v != version)
                        .await?
                } else {
                    store.heat_cells(member.campaign(), &query).await?
                };
                Ok::<_, AppError>(cells)
            },
            trend(member, &query.scope, &moments),
            async { Ok(store.list_areas(member.campaign()).await?) },
            columns(member, params.dimension),
        )?;
        Ok(build(HeatInput {
            dimension: params.dimension,
            as_of: day,
            current: params.as_of.is_none(),
            days: params.days,
            areas,
            columns,
            cells,
            trend,
            min_group_size: disclosure.min_group_size,
            policy,
            with_trend,
        }))
    }

    /// What an audit row says of a map read.
    pub(super) fn describe(map: &HeatMap, rows: usize) -> String {
        format!(
            "dimension={} as_of={}{} days={} rows={rows}",
            map.dimension.key(),
            map.as_of,
            if map.current { " (current)" } else { "" },
            map.days
        )
    }

    /// The map as CSV, one line per row and column (and the row's total), for leads.
    pub async fn heat_csv(
        campaign_id: i64,
        dimension: &str,
        as_of: &str,
        days: &str,
    ) -> Result<String, AppError> {
        let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
        let map = heat_map(&member, dimension, as_of, days, false).await?;
        let csv = write_heat_csv(&map)?;
        member
            .audit("heat.exported", "", describe(&map, map.rows.len()))
            .await?;
        Ok(csv)
    }

    pub(super) const HEADERS: [&str; 17] = [
        "area",
        "depth",
        "column",
        "coworkers",
        "rated_1",
        "rated_2",
        "rated_3",
        "rated_4",
        "rated_5",
        "unknown",
        "assessed",
        "support_1_2_of_all",
        "assessed_share",
        "talked_to",
        "talked_share",
        "committee",
        "committee_per_coworker",
    ];

    /// Every cell a line; shares as fractions with three decimals; every cell neutralized.
    pub(super) fn write_heat_csv(map: &HeatMap) -> Result<String, AppError> {
        use crate::api::export::neutralize;
        use crate::domain::heat::HeatCell;
        let fraction = |s: Option<f64>| s.map(|s| format!("{s:.3}")).unwrap_or_default();
        let line = |area: &str, depth: usize, column: &str, cell: &HeatCell| -> Vec<String> {
            let c = &cell.counts;
            let number = |n: i64| {
                if cell.suppressed {
                    String::new()
                } else {
                    n.to_string()
                }
            };
            let mut out = vec![area.to_owned(), depth.to_string(), column.to_owned()];
            out.push(number(c.coworkers));
            out.extend(c.rated.iter().map(|n| number(*n)));
            out.push(number(c.unknown));
            out.push(number(c.assessed()));
            out.push(fraction(c.support_share()));
            out.push(fraction(c.assessed_share()));
            out.push(number(c.talked));
            out.push(fraction(c.talked_share()));
            out.push(number(c.committee));
            out.push(fraction(c.committee_per_coworker()));
            out
        };
        let mut out = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| AppError::internal(&e);
        out.write_record(HEADERS).map_err(fail)?;
        let mut write = |record: Vec<String>| {
            out.write_record(record.iter().map(|cell| neutralize(cell)))
                .map_err(fail)
        };
        for row in &map.rows {
            for (column, cell) in map.columns.iter().zip(&row.cells) {
                write(line(&row.name, row.depth, &column.label, cell))?;
            }
            write(line(&row.name, row.depth, "All", &row.total))?;
        }
        for (column, cell) in map.columns.iter().zip(&map.column_totals) {
            write(line("All areas", 0, &column.label, cell))?;
        }
        write(line("All areas", 0, "All", &map.total))?;
        let bytes = out
            .into_inner()
            .map_err(|e| AppError::internal(e.error()))?;
        String::from_utf8(bytes).map_err(|e| AppError::internal(&e))
    }
}

#[cfg(feature = "ssr")]
pub use ssr::heat_csv;
