//! The heat map (`/campaigns/:id/heat`): areas down (a parent row sums its sub-areas),
//! shifts (or job titles, tags, organizers) across; each cell prints its numbers, and its
//! colour only repeats the 1–2 share. A GET form picks the columns, the day and the
//! "talked to" window, so it all works without JavaScript; a cell opens the people in it
//! (`/campaigns/:id/heat/cell`).

use leptos::prelude::*;

use crate::api::heat::{get_heat_cell, get_heat_map};
use crate::components::chip::{coworker_link, rating_words};
use crate::components::form::{first_invalid, invalid, FieldError, FormError};
use crate::components::gate::Loaded;
use crate::domain::heat::{
    percent, Dimension, HeatCell, HeatCellDetail, HeatMap, HeatParams, HeatRow,
};
use crate::domain::text::url_encode as encode;
use crate::domain::{Choice, Role};
use crate::error::AppError;
use crate::pages::layout::{campaign_id, query, use_campaign};

/// Below this share of its people assessed, a cell is striped, not coloured.
const MOSTLY_KNOWN: f64 = 0.5;

/// The colour band of a cell's 1–2 share (of everyone in it): five steps of one
/// colour-blind-safe blue ramp, and its own look for an empty or withheld cell.
fn band(cell: &HeatCell) -> &'static str {
    if cell.suppressed {
        return "heat-withheld";
    }
    // Mostly unknown: a colour would read the blind spot as hostility (unknown counts
    // against the 1–2 share). Striped instead; the numbers still say it all.
    if cell
        .counts
        .assessed_share()
        .is_some_and(|known| known < MOSTLY_KNOWN)
    {
        return "heat-unsure";
    }
    match cell.counts.support_share() {
        None => "heat-empty",
        Some(s) if s >= 0.7 => "heat-5",
        Some(s) if s >= 0.5 => "heat-4",
        Some(s) if s >= 0.3 => "heat-3",
        Some(s) if s >= 0.1 => "heat-2",
        Some(_) => "heat-1",
    }
}

/// The map's own query (dimension, as_of, days), for links that keep it.
fn map_query(map: &HeatMap) -> String {
    let as_of = if map.current {
        String::new()
    } else {
        map.as_of.to_string()
    };
    format!(
        "dimension={}&as_of={}&days={}",
        map.dimension.key(),
        as_of,
        map.days
    )
}

#[component]
pub fn HeatPage() -> impl IntoView {
    let id = campaign_id();
    let q = query();
    let get = |k: &str| q.get(k).unwrap_or_default();
    let folded = Folded::parse(&get("fold"));
    // The view's form is checked here, with the server's own rule: a filter it would
    // refuse (a future day, zero days) shows each mistake beside its field, the form stays
    // to fix it, and no map is asked for.
    let today = chrono::Utc::now().date_naive();
    let checked = HeatParams::parse(&get("dimension"), &get("as_of"), &get("days"), today);
    let error = checked.err().map(AppError::from);
    let filter = heat_filter(
        &get("dimension"),
        &get("as_of"),
        &get("days"),
        &folded,
        error.clone(),
    );
    let map = error.is_none().then(|| {
        let data = OnceResource::new(get_heat_map(
            id,
            get("dimension"),
            get("as_of"),
            get("days"),
            String::new(),
        ));
        view! {
            <Loaded data loading="Loading the heat map…" let:map>
                {heat_view(id, use_campaign().role == Role::Lead, map, &folded)}
            </Loaded>
        }
    });
    view! {
        <h1>"Heat map"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        {filter}
        {map}
    }
}

/// The areas whose sub-areas are folded away (`fold=3,7`: a link per parent row toggles
/// its own, so folding works without JavaScript and prints as shown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Folded(Vec<i64>);

impl Folded {
    /// At most this many ids are read (a campaign's parents; the rest is ignored).
    const MAX: usize = 500;

    fn parse(raw: &str) -> Self {
        let mut ids: Vec<i64> = raw
            .split(',')
            .take(Self::MAX)
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Folded(ids)
    }

    fn contains(&self, id: i64) -> bool {
        self.0.binary_search(&id).is_ok()
    }

    /// The `fold` value with `id` folded or unfolded.
    fn toggled(&self, id: i64) -> String {
        let ids: Vec<String> = if self.contains(id) {
            self.0
                .iter()
                .filter(|&&i| i != id)
                .map(i64::to_string)
                .collect()
        } else {
            let mut all = self.0.clone();
            all.push(id);
            all.sort_unstable();
            all.iter().map(i64::to_string).collect()
        };
        ids.join(",")
    }

    fn value(&self) -> String {
        self.0
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The rows shown: every row but those under a folded one (rows come in tree order,
    /// a parent before its sub-areas).
    fn visible<'a>(&self, rows: &'a [HeatRow]) -> Vec<&'a HeatRow> {
        let mut hidden_below: Option<usize> = None;
        let mut shown = Vec::new();
        for row in rows {
            match hidden_below {
                Some(depth) if row.depth > depth => continue,
                _ => hidden_below = None,
            }
            if row.has_children && row.area_id.is_some_and(|a| self.contains(a)) {
                hidden_below = Some(row.depth);
            }
            shown.push(row);
        }
        shown
    }
}

/// The view's form, as the address has it (the defaults where it says nothing).
fn heat_filter(
    dimension: &str,
    as_of: &str,
    days: &str,
    folded: &Folded,
    error: Option<AppError>,
) -> impl IntoView {
    let dimension = Dimension::parse(dimension.trim()).unwrap_or_default();
    let days = match days.trim() {
        "" => crate::domain::heat::DEFAULT_DAYS.to_string(),
        raw => raw.chars().take(10).collect(),
    };
    let as_of: String = as_of.trim().chars().take(10).collect();
    let today = chrono::Utc::now().date_naive().to_string();
    let error = Signal::stored(error);
    view! {
        <form method="get" class="card chart-filter heat-filter" role="search" aria-label="Heat map view">
            <div>
                <label for="heat-dimension">"Columns"</label>
                <select id="heat-dimension" name="dimension">
                    {Dimension::ALL.into_iter().map(|d| view! {
                        <option value=d.key() selected=d == dimension>{d.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="heat-as-of">"As of (empty: today)"</label>
                <input id="heat-as-of" name="as_of" type="date" max=today value=as_of
                    aria-invalid=invalid(error, "as_of") autofocus=first_invalid(error, "as_of") aria-describedby="heat-as-of-error" />
                <FieldError id="heat-as-of" field="as_of" error />
            </div>
            <div>
                <label for="heat-days">"Talked to in the last (days)"</label>
                <input id="heat-days" name="days" type="number" min="1" max=crate::domain::heat::MAX_DAYS inputmode="numeric" value=days
                    aria-invalid=invalid(error, "days") autofocus=first_invalid(error, "days") aria-describedby="heat-days-error" />
                <FieldError id="heat-days" field="days" error />
            </div>
            {(!folded.0.is_empty()).then(|| view! { <input type="hidden" name="fold" value=folded.value() /> })}
            <button type="submit" class="primary">"Show"</button>
            <FormError fields=&["as_of", "days"] error />
        </form>
    }
}

fn heat_view(id: i64, is_lead: bool, map: HeatMap, folded: &Folded) -> AnyView {
    let query = map_query(&map);
    view! {
        <p class="hint" data-testid="heat-caption">
            {if map.current { format!("Today, {}", map.as_of) } else { format!("As it stood at the end of {}", map.as_of) }}
            {format!(" · {} on the map · {} rated 1–2 ({} of everyone; unknown counts against)",
                map.total.counts.coworkers, map.total.counts.supporters(), percent(map.total.counts.support_share()))}
        </p>
        {map.counts_only.then(|| view! {
            <p class="hint" data-testid="counts-only">{format!(
                "Counts only. Groups of fewer than {0} people are withheld (—), and every other count is rounded to a multiple of {0} (the same people always the same way), so no count, and no difference of counts, points at a person. Past days are shown as of the Sunday that ended their week.",
                map.min_group_size
            )}</p>
        })}
        <Legend />
        {if map.rows.is_empty() {
            view! { <p class="empty">"Nobody is on the chart for this day."</p> }.into_any()
        } else {
            heat_table(id, &map, &query, folded).into_any()
        }}
        {is_lead.then(|| view! {
            <p class="actions">
                <a class="button" href=format!("/campaigns/{id}/heat.csv?{query}") download="heat-map.csv">"Download CSV"</a>
            </p>
        })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::Folded;
    use crate::domain::heat::{HeatCell, HeatRow};

    fn row(area: i64, depth: usize, has_children: bool) -> HeatRow {
        HeatRow {
            area_id: Some(area),
            name: format!("Area {area}"),
            parent_id: None,
            depth,
            has_children,
            cells: Vec::new(),
            total: HeatCell::default(),
            trend: Vec::new(),
        }
    }

    #[test]
    fn a_folded_area_hides_every_row_beneath_it_and_nothing_else() {
        // 1 > (2 > 3), 4; 5 > 6
        let rows = [
            row(1, 0, true),
            row(2, 1, true),
            row(3, 2, false),
            row(4, 1, false),
            row(5, 0, true),
            row(6, 1, false),
        ];
        let ids = |f: &Folded| {
            f.visible(&rows)
                .iter()
                .map(|r| r.area_id.unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&Folded::parse("")), [1, 2, 3, 4, 5, 6]);
        assert_eq!(ids(&Folded::parse("2")), [1, 2, 4, 5, 6]);
        assert_eq!(ids(&Folded::parse("1")), [1, 5, 6]);
        assert_eq!(ids(&Folded::parse("1,5")), [1, 5]);
        assert_eq!(
            ids(&Folded::parse("3, x,,4")),
            [1, 2, 3, 4, 5, 6],
            "no sub-areas to fold"
        );
        let f = Folded::parse("5,1,1");
        assert_eq!(f.value(), "1,5");
        assert_eq!(f.toggled(1), "5");
        assert_eq!(f.toggled(2), "1,2,5");
        assert_eq!(Folded::parse(&"7,".repeat(10_000)).0, [7]);
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <ul class="legend heat-legend" aria-label="What the colours mean">
            <li><span class="swatch heat-1" aria-hidden="true"></span>" under 10% rated 1–2"</li>
            <li><span class="swatch heat-2" aria-hidden="true"></span>" 10–29%"</li>
            <li><span class="swatch heat-3" aria-hidden="true"></span>" 30–49%"</li>
            <li><span class="swatch heat-4" aria-hidden="true"></span>" 50–69%"</li>
            <li><span class="swatch heat-5" aria-hidden="true"></span>" 70% or more"</li>
            <li><span class="swatch heat-unsure" aria-hidden="true"></span>" fewer than half assessed: no colour (unknown is not opposed)"</li>
            <li><span class="swatch heat-withheld" aria-hidden="true"></span>" withheld (—)"</li>
        </ul>
        <p class="hint">"Each cell: 1–2 share · coworkers · assessed (the bar: how much of the cell is known) · talked to · committee. The numbers carry the meaning; the colour repeats the share."</p>
    }
}

fn cell_view(
    id: i64,
    map: &HeatMap,
    query: &str,
    row: &HeatRow,
    key: Option<&str>,
    cell: &HeatCell,
) -> AnyView {
    let class = format!("heat-cell {}", band(cell));
    if cell.suppressed {
        return view! { <td class=class><span aria-label="withheld">"—"</span></td> }.into_any();
    }
    let n = cell.counts;
    let figures = view! {
        <strong>{percent(n.support_share())}</strong>
        <span class="heat-n">{format!("{} · {}", n.coworkers, percent(n.assessed_share()))}</span>
        {known_bar(n.assessed_share())}
        <span class="heat-n">{format!("talked {} · cmte {}", percent(n.talked_share()), n.committee)}</span>
        <span class="heat-ratings">{format!("1:{} 2:{} 3:{} 4:{} 5:{} ?:{}", n.rated[0], n.rated[1], n.rated[2], n.rated[3], n.rated[4], n.unknown)}</span>
    };
    match key {
        Some(key) if !map.counts_only && n.coworkers > 0 => {
            let area = row.area_id.map(|a| a.to_string()).unwrap_or_default();
            let href = format!(
                "/campaigns/{id}/heat/cell?{query}&area_id={area}&column={}",
                encode(key)
            );
            view! { <td class=class><a class="heat-open" href=href>{figures}</a></td> }.into_any()
        }
        _ => view! { <td class=class>{figures}</td> }.into_any(),
    }
}

/// How much of a cell is known, drawn: a bar as long as its assessed share (a second
/// channel beside the colour, which only says the 1–2 share). SVG attributes, not a
/// `style`: the CSP forbids inline styles.
fn known_bar(known: Option<f64>) -> impl IntoView {
    known.map(|k| {
        let width = format!("{:.1}", (k * 100.0).clamp(0.0, 100.0));
        view! {
            <svg class="known-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
                <rect class="known-all" x="0" y="0" width="100" height="6" />
                <rect class="known-part" x="0" y="0" width=width height="6" />
            </svg>
        }
    })
}

/// A row's 12-week 1–2 share as a small line, drawn on the server (prints, needs no
/// script); its label says the first and last figures in words.
fn trend_svg(row: &HeatRow) -> AnyView {
    let points: Vec<(usize, f64)> = row
        .trend
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            (!p.suppressed)
                .then(|| p.support_share().map(|s| (i, s)))
                .flatten()
        })
        .collect();
    if points.is_empty() {
        return view! { <span class="hint">"–"</span> }.into_any();
    }
    let weeks = row.trend.len().max(2) - 1;
    let path: String = points
        .iter()
        .map(|(i, s)| {
            format!(
                "{:.1},{:.1}",
                *i as f64 * 60.0 / weeks as f64,
                20.0 - s * 20.0
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let first = points.first().map(|p| p.1).unwrap_or_default();
    let last = points.last().map(|p| p.1).unwrap_or_default();
    let label = format!(
        "1–2 share over 12 weeks: {} to {}",
        percent(Some(first)),
        percent(Some(last))
    );
    let title = label.clone();
    view! {
        <span class="trend-cell">
            <svg class="trend" viewBox="-2 -2 64 24" width="64" height="24" role="img" aria-label=label>
                <title>{title}</title>
                <line x1="0" x2="60" y1="20" y2="20" class="trend-base" />
                <polyline points=path class="trend-line" fill="none" />
            </svg>
            // The line's numbers, printed: where it started and where it stands.
            <span class="heat-n" data-testid="trend-figures">{format!("{} → {}", percent(Some(first)), percent(Some(last)))}</span>
        </span>
    }
    .into_any()
}

fn heat_table(id: i64, map: &HeatMap, query: &str, folded: &Folded) -> impl IntoView {
    let columns = map.columns.clone();
    let rows = folded.visible(&map.rows);
    view! {
        <div class="table-wrap heat-wrap" tabindex="0" role="region" aria-label="Heat map table">
            <table class="heat" data-testid="heat-table">
                <thead>
                    <tr>
                        <th scope="col">"Area"</th>
                        {columns.iter().map(|c| view! { <th scope="col">{c.label.clone()}</th> }).collect_view()}
                        <th scope="col">"All"</th>
                        <th scope="col">"12 weeks"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let depth = format!("heat-area depth-{}", row.depth.min(4));
                        let name = match row.area_id.filter(|_| row.has_children) {
                            Some(area) => {
                                let open = !folded.contains(area);
                                let href = format!("/campaigns/{id}/heat?{query}&fold={}", folded.toggled(area));
                                let label = if open {
                                    format!("Fold the areas under {}", row.name)
                                } else {
                                    format!("Unfold the areas under {}", row.name)
                                };
                                view! {
                                    <a class="heat-fold" href=href aria-label=label aria-expanded=if open { "true" } else { "false" }>
                                        {if open { "▾" } else { "▸" }}
                                    </a>
                                    " "{row.name.clone()}
                                }.into_any()
                            }
                            None => row.name.clone().into_any(),
                        };
                        view! {
                            <tr data-testid="heat-row">
                                <th scope="row" class=depth>{name}</th>
                                {row.cells.iter().zip(&columns).map(|(cell, col)| cell_view(id, map, query, row, Some(&col.key), cell)).collect_view()}
                                {cell_view(id, map, query, row, None, &row.total)}
                                <td>{trend_svg(row)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"All areas"</th>
                        {map.column_totals.iter().map(|cell| {
                            let class = format!("heat-cell {}", band(cell));
                            let n = cell.counts;
                            view! { <td class=class><strong>{percent(n.support_share())}</strong><span class="heat-n">{n.coworkers}</span></td> }
                        }).collect_view()}
                        <td class=format!("heat-cell {}", band(&map.total))>
                            <strong>{percent(map.total.counts.support_share())}</strong>
                            <span class="heat-n">{map.total.counts.coworkers}</span>
                        </td>
                        <td></td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// One cell opened: its people by rating, each a tap from their page and from logging
/// a one-on-one. Leads and organizers (in their scope); viewers are refused.
#[component]
pub fn HeatCellPage() -> impl IntoView {
    let id = campaign_id();
    let q = query();
    let get = |k: &str| q.get(k).unwrap_or_default();
    let back = format!(
        "/campaigns/{}/heat?dimension={}&as_of={}&days={}",
        id,
        encode(&get("dimension")),
        encode(&get("as_of")),
        encode(&get("days"))
    );
    let data = OnceResource::new(get_heat_cell(
        id,
        get("dimension"),
        get("as_of"),
        get("days"),
        get("area_id"),
        get("column"),
    ));
    view! {
        <h1>"Who is in this cell"</h1>
        <p><a class="back" href=back>"← Heat map"</a></p>
        <Loaded data loading="Loading…" let:detail>
            {cell_detail_view(id, detail)}
        </Loaded>
    }
}

fn cell_detail_view(id: i64, d: HeatCellDetail) -> AnyView {
    view! {
        <p data-testid="cell-caption">{format!("{} · {} · as of {}", d.area_name, d.column.label, d.as_of)}</p>
        {d.truncated.then(|| view! { <p class="hint">"More people than a list can show: open a smaller area."</p> })}
        {d.groups.into_iter().map(|g| {
            let heading = format!("{} ({})", rating_words(g.rating), g.people.len());
            view! {
                <section class="card" data-testid="rating-group">
                    <h2>{heading}</h2>
                    <ul class="plain-list">
                        {g.people.into_iter().map(|p| view! {
                            <li>
                                {coworker_link(id, p.id, &p.name, g.rating)}
                                " "
                                <a href=format!("/campaigns/{id}/coworkers/{}/log", p.id)>{format!("Log a one-on-one with {}", p.name)}</a>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        }).collect_view()}
    }
    .into_any()
}
