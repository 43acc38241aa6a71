//! The committee's wall chart: areas down, shifts across, every coworker a chip
//! coloured by their current rating. On a phone the same markup reads as a
//! searchable list grouped by area. Filtering is a GET form, so it works before
//! (and without) WebAssembly.

use leptos::prelude::*;

use crate::api::map::{chart_page, Chart, ChartPageData};
use crate::components::chip::{coworker_link, rating_meanings, Chip, RatingLegend};
use crate::components::gate::Loaded;
use crate::domain::{ChartFilter, CoworkerSummary, LeaderReach};
use crate::pages::layout::{campaign_id, query};

#[component]
pub fn ChartPage() -> impl IntoView {
    let id = campaign_id();
    let filter = {
        let q = query();
        let get = |k: &str| q.get(k).unwrap_or_default();
        ChartFilter {
            q: get("q"),
            rating: get("rating"),
            tag: get("tag"),
            organizer: get("organizer"),
        }
    };
    let data = OnceResource::new(chart_page(id, filter.clone()));
    view! {
        <h1>"Chart"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <Loaded data loading="Loading the chart…" let:d>
            {page_view(id, filter.clone(), d)}
        </Loaded>
    }
}

fn page_view(campaign_id: i64, p: ChartFilter, d: ChartPageData) -> AnyView {
    view! {
        {chart_view(campaign_id, p, d.chart)}
        {reach_view(campaign_id, d.leaders)}
    }
    .into_any()
}

/// Who the organic leaders reach: each leader, and how many coworkers listen to them.
fn reach_view(campaign_id: i64, leaders: Vec<LeaderReach>) -> AnyView {
    if leaders.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card" aria-labelledby="reach-heading">
            <h2 id="reach-heading">"Who the organic leaders reach"</h2>
            <ul class="plain-list" data-testid="leader-reach">
                {leaders.into_iter().map(|l| view! {
                    <li>
                        {coworker_link(campaign_id, l.id, &l.name, l.rating)}
                        <span class="hint">
                            {format!(
                                " listened to by {} · {} rated 1–2 · {} not yet rated",
                                l.listeners, l.supporters, l.unknown
                            )}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

fn chart_view(campaign_id: i64, p: ChartFilter, chart: Chart) -> AnyView {
    let Chart {
        areas,
        shifts,
        coworkers,
        in_scope,
        organizers,
        is_lead,
    } = chart;
    let shown = coworkers.len();
    // Rows: each area with anyone in view (all live areas for an unfiltered lead), then "No area".
    let mut rows: Vec<(Option<i64>, String)> = areas
        .iter()
        .filter(|a| {
            coworkers.iter().any(|c| c.area_id == Some(a.id))
                || (is_lead && !a.retired && shown == in_scope)
        })
        .map(|a| (Some(a.id), a.name.clone()))
        .collect();
    if coworkers.iter().any(|c| c.area_id.is_none()) {
        rows.push((None, "No area".into()));
    }
    let mut columns: Vec<(Option<i64>, String)> = shifts
        .iter()
        .map(|s| (Some(s.id), s.name.clone()))
        .collect();
    if coworkers.iter().any(|c| c.shift_id.is_none()) {
        columns.push((None, "No shift".into()));
    }
    let header: Vec<String> = columns.iter().map(|(_, name)| name.clone()).collect();
    let cells = move |area: Option<i64>| -> Vec<(String, Vec<CoworkerSummary>)> {
        columns
            .iter()
            .map(|(shift, name)| {
                (
                    name.clone(),
                    coworkers
                        .iter()
                        .filter(|c| c.area_id == area && c.shift_id == *shift)
                        .cloned()
                        .collect(),
                )
            })
            .collect()
    };
    let selected = |value: &str, current: &str| value == current;
    view! {
        {is_lead.then(|| view! {
            <p class="actions">
                <a class="button" href=format!("/campaigns/{campaign_id}/import")>"Import the employer's list"</a>
                <a class="button" href=format!("/campaigns/{campaign_id}/export.csv") download="chart.csv">"Export CSV"</a>
            </p>
        })}
        <form method="get" class="card chart-filter" role="search" aria-label="Filter the chart">
            <div>
                <label for="chart-q">"Name"</label>
                <input id="chart-q" name="q" type="search" value=p.q.clone() autocomplete="off" />
            </div>
            <div>
                <label for="chart-rating">"Rating"</label>
                <select id="chart-rating" name="rating">
                    <option value="">"All"</option>
                    {rating_meanings().iter().map(|(k, m)| view! {
                        <option value=*k selected=selected(k, &p.rating)>
                            {if *k == "unknown" { (*m).to_owned() } else { format!("{k} · {m}") }}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="chart-tag">"Tag"</label>
                <input id="chart-tag" name="tag" type="text" value=p.tag.clone() />
            </div>
            <div>
                <label for="chart-organizer">"Organizer"</label>
                <select id="chart-organizer" name="organizer">
                    <option value="">"Anyone"</option>
                    {organizers.into_iter().map(|o| {
                        let value = o.user_id.to_string();
                        let sel = selected(&value, &p.organizer);
                        view! { <option value=value selected=sel>{o.label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="primary">"Show"</button>
        </form>
        <p class="hint" data-testid="chart-count" role="status">
            {match (shown == in_scope, shown) {
                (true, 1) => "1 coworker".to_owned(),
                (true, n) => format!("{n} coworkers"),
                (false, n) => format!("{n} of {in_scope} coworkers match"),
            }}
        </p>
        <RatingLegend />
        {if rows.is_empty() {
            view! { <p class="empty">"Nobody matches."</p> }.into_any()
        } else {
            view! {
                <div class="chart" data-testid="chart">
                    <div class="chart-head" aria-hidden="true">
                        <span>"Area"</span>
                        {header.into_iter().map(|s| view! { <span>{s}</span> }).collect_view()}
                    </div>
                    {rows.into_iter().map(|(area, name)| {
                        let cells = cells(area);
                        let count: usize = cells.iter().map(|(_, c)| c.len()).sum();
                        view! {
                            <section class="chart-row">
                                <h2 class="chart-area">{name}<span class="hint">" · " {count}</span></h2>
                                {cells.into_iter().map(|(shift, people)| view! {
                                    <div class="chart-cell">
                                        <h3 class="chart-shift">{shift}</h3>
                                        <ul class="chips">
                                            {people.into_iter().map(|c| view! { <Chip campaign_id coworker=c /> }).collect_view()}
                                        </ul>
                                    </div>
                                }).collect_view()}
                            </section>
                        }
                    }).collect_view()}
                </div>
            }.into_any()
        }}
    }
    .into_any()
}
