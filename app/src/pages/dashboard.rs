//! The leads' dashboard, on the campaign's home page: support against the target, what
//! is known, this week's one-on-ones, what is overdue, and where reach is thinnest.

use leptos::prelude::*;

use crate::api::dashboard::dashboard_page;
use crate::components::gate::Loaded;
use crate::components::support_bar::support_bar;
use crate::domain::dashboard::Dashboard;

/// The dashboard of campaign `id` (the caller is a lead; the server checks again).
#[component]
pub fn CampaignDashboard(id: i64) -> impl IntoView {
    let data = OnceResource::new(dashboard_page(id));
    view! {
        <Loaded data loading="Loading the dashboard…" let:d>
            {dashboard_view(id, d)}
        </Loaded>
    }
}

fn dashboard_view(id: i64, d: Dashboard) -> AnyView {
    let support = d.support_percent();
    let short = d.short_of_target();
    let verdict = if d.coworkers == 0 {
        "Nobody is on the chart yet.".to_owned()
    } else if short == 0 {
        format!("At the {}% target.", d.target)
    } else {
        format!(
            "{short} more people rated 1–2 reach the {}% target.",
            d.target
        )
    };
    let organizers = d.by_organizer.clone();
    let latest = d.latest_test.clone();
    let weakest = d.weakest_areas.clone();
    view! {
        <section class="card dashboard" aria-labelledby="dashboard-heading" data-testid="dashboard">
            <h2 id="dashboard-heading">"Where the campaign stands"</h2>
            <p class="big-figure" data-testid="support">
                <strong>{format!("{support}%")}</strong>
                {format!(" rated 1–2: {} of {} on the chart (unknown counts against)", d.supporters, d.coworkers)}
            </p>
            {support_bar(support, d.target)}
            <p data-testid="target-gap">{verdict}</p>
            <dl class="figures">
                <div><dt>"Assessed"</dt><dd data-testid="assessed">{format!("{}% ({} of {})", d.assessed_percent(), d.assessed, d.coworkers)}</dd></div>
                <div><dt>{format!("Ratings older than {} days", d.stale_days)}</dt><dd data-testid="stale">{d.stale}</dd></div>
                <div><dt>"Follow-ups overdue"</dt><dd data-testid="follow-ups-overdue">{d.follow_ups_overdue}</dd></div>
                <div><dt>"Commitments overdue"</dt><dd data-testid="commitments-overdue">{d.commitments_overdue}</dd></div>
            </dl>
        </section>
        <section class="card" aria-labelledby="week-heading">
            <h2 id="week-heading">{format!("One-on-ones, week of {}", d.week_of.format("%-d %b %Y"))}</h2>
            {if organizers.is_empty() {
                view! { <p class="empty">"No one-on-ones logged this week or last."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="One-on-ones by organizer">
                        <table data-testid="week-table">
                            <thead><tr><th scope="col">"Organizer"</th><th scope="col">"This week"</th><th scope="col">"Last week"</th></tr></thead>
                            <tbody>
                                {organizers.into_iter().map(|o| view! {
                                    <tr><th scope="row">{o.organizer}</th><td>{o.this_week}</td><td>{o.last_week}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="weak-heading">
            <h2 id="weak-heading">{format!("Thinnest reach (talked to in {} days)", d.reach_days)}</h2>
            {if weakest.is_empty() {
                view! { <p class="empty">"No areas with coworkers yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="plain-list" data-testid="weakest-areas">
                        {weakest.into_iter().map(|a| view! {
                            <li>
                                <a href=format!("/campaigns/{id}/chart")>{a.area}</a>
                                {format!(" — {} of {} talked to", a.talked_to, a.coworkers)}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <p><a href=format!("/campaigns/{id}/coverage")>"Coverage and the loop settings (the target) →"</a></p>
        </section>
        {crate::pages::structure::latest_test_view(id, latest)}
    }
    .into_any()
}
