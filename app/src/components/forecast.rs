//! A vote forecast as tables: the headline figures, then each area and shift as if it
//! voted alone. Shared by the forecast page (server-rendered) and the what-if island,
//! so both show the same thing.

use leptos::prelude::*;

use crate::domain::forecast::{percent, Forecast, ForecastRow, Prediction};
use crate::domain::structure::{VoteBase, VoteRule};

/// The headline: chance of passing, expected yes share with its 80% interval, turnout —
/// each beside what the rule needs, in the rule's own terms (a share of the votes cast,
/// or of everyone in the scope).
pub fn headline(p: Option<Prediction>, target: f64, rule: &VoteRule) -> AnyView {
    let of = match rule.base {
        VoteBase::Cast => "of the votes cast",
        VoteBase::Unit => "of everyone in the scope",
    };
    let turnout_needed = match rule.turnout_percent {
        0 => "no minimum".to_owned(),
        t => format!("needs {t}%"),
    };
    match p {
        Some(p) => {
            let pass = (p.pass * 100.0).round() as i64;
            let verdict = if p.pass >= target {
                format!("At or above the {} the committee aims for.", percent(target))
            } else {
                format!("Below the {} the committee aims for.", percent(target))
            };
            view! {
                <p class="big-figure" data-testid="forecast-pass"><strong>{format!("{pass}%")}</strong>" chance of passing"</p>
                <p class="hint" data-testid="forecast-verdict">{verdict}</p>
                <dl class="figures">
                    <div><dt>{format!("Expected yes share ({of})")}</dt><dd><span data-testid="forecast-share">{percent(p.yes_share)}</span><span class="hint" data-testid="forecast-share-needed">{format!(" · needs {}%", rule.yes_percent)}</span></dd></div>
                    <div><dt>"80% of outcomes between"</dt><dd data-testid="forecast-interval">{format!("{}–{}", percent(p.share_low), percent(p.share_high))}</dd></div>
                    <div><dt>"Expected turnout"</dt><dd><span data-testid="forecast-turnout">{percent(p.turnout)}</span><span class="hint">{format!(" · {turnout_needed}")}</span></dd></div>
                    <div><dt>"People in the scope"</dt><dd>{p.people}</dd></div>
                </dl>
                <p class="hint">{if p.exact { "Computed exactly from every person's chances." } else { "Computed with a normal approximation (within 3 points of the exact figure)." }}</p>
            }
            .into_any()
        }
        None => view! { <p class="hint" data-testid="forecast-pass">"Too few people in the scope to show a forecast."</p> }.into_any(),
    }
}

fn rows_table(
    caption: &'static str,
    testid: &'static str,
    rows: Vec<ForecastRow>,
) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=caption>
            <table data-testid=testid>
                <caption>{caption}</caption>
                <thead><tr><th scope="col">"Where"</th><th scope="col">"People"</th><th scope="col">"Chance of passing"</th><th scope="col">"Yes share (80%)"</th><th scope="col">"Turnout"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| match r.prediction {
                        Some(p) => view! {
                            <tr><th scope="row">{r.label}</th><td>{r.people}</td><td>{percent(p.pass)}</td><td>{format!("{} ({}–{})", percent(p.yes_share), percent(p.share_low), percent(p.share_high))}</td><td>{percent(p.turnout)}</td></tr>
                        }.into_any(),
                        None => view! {
                            <tr><th scope="row">{r.label}</th><td colspan="4" class="hint">"Too few people to show"</td></tr>
                        }.into_any(),
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The whole forecast: headline, then by area and by shift.
pub fn forecast_view(f: &Forecast, target: f64, rule: &VoteRule) -> impl IntoView {
    view! {
        <div class="stack" data-testid="forecast">
            {headline(f.overall, target, rule)}
            {rows_table("By area (each as if it voted alone)", "forecast-areas", f.by_area.clone())}
            {rows_table("By shift", "forecast-shifts", f.by_shift.clone())}
        </div>
    }
}
