//! The workplace map (areas and shifts, built by leads) and the coworkers a member may see.

use leptos::prelude::*;

use crate::api::coworkers::{coworkers_page, CoworkersPageData, CreateCoworker};
use crate::api::map::{map_page, CreateArea, CreateShift, MapPageData, UpdateArea};
use crate::components::floor_plan::FloorPlan;
use crate::components::form::{action_error, Field, FormError, ReturnTo};
use crate::components::gate::Loaded;
use crate::domain::{Area, Shift};
use crate::pages::layout::{campaign_id, query};

fn area_options(areas: &[Area]) -> impl IntoView {
    areas
        .iter()
        .filter(|a| !a.retired)
        .map(|a| view! { <option value=a.id>{a.name.clone()}</option> })
        .collect_view()
}

fn shift_options(shifts: &[Shift]) -> impl IntoView {
    shifts
        .iter()
        .map(|s| view! { <option value=s.id>{s.name.clone()}</option> })
        .collect_view()
}

/// Leads build the map here: areas (nested) and the campaign's shifts.
#[component]
pub fn MapPage() -> impl IntoView {
    let id = campaign_id();
    let data = OnceResource::new(map_page(id));
    view! {
        <h1>"Workplace map"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <Loaded data loading="Loading the map…" let:d>
            {map_view(id, d)}
        </Loaded>
    }
}

fn map_view(cid: i64, d: MapPageData) -> AnyView {
    let MapPageData {
        areas,
        shifts,
        plan,
    } = d;
    let add_area = ServerAction::<CreateArea>::new();
    let add_shift = ServerAction::<CreateShift>::new();
    let update_area = ServerAction::<UpdateArea>::new();
    let update_error = action_error(update_area);
    let area_error = action_error(add_area);
    let shift_error = action_error(add_shift);
    let name_of = |id: Option<i64>| {
        id.and_then(|id| areas.iter().find(|a| a.id == id))
            .map(|a| a.name.clone())
    };
    view! {
        <section aria-labelledby="plan-heading">
            <h2 id="plan-heading">"Floor plan"</h2>
            <FloorPlan stats=plan />
        </section>
        <section aria-labelledby="areas-heading">
            <h2 id="areas-heading">"Areas"</h2>
            <FormError fields=&[] error=update_error />
            <ul class="plain-list" data-testid="area-list">
                {areas.clone().into_iter().map(|a| {
                    let parents: Vec<(i64, String)> = areas
                        .iter()
                        .filter(|p| p.id != a.id && !p.retired)
                        .map(|p| (p.id, p.name.clone()))
                        .collect();
                    let parent_name = name_of(a.parent_id);
                    let g = a.grid;
                    let num = move |f: fn(&crate::domain::GridBox) -> i32| g.as_ref().map(|g| f(g).to_string()).unwrap_or_default();
                    let aid = a.id;
                    let fid = move |f: &str| format!("area-{aid}-{f}");
                    view! {
                    <li>
                        <details>
                            <summary>
                                <strong>{a.name.clone()}</strong>
                                <span class="hint">" #" {a.id}</span>
                                {parent_name.map(|p| view! { <span class="hint">" in " {p}</span> })}
                                {a.retired.then(|| view! { <span class="hint">" · retired"</span> })}
                            </summary>
                            <ActionForm action=update_area attr:class="stack" attr:novalidate=true>
                                <ReturnTo />
                                <input type="hidden" name="campaign_id" value=cid />
                                <input type="hidden" name="area_id" value=a.id />
                                <label for=fid("name")>"Name"</label>
                                <input id=fid("name") name="name" type="text" value=a.name.clone() />
                                <label for=fid("parent")>"Inside"</label>
                                <select id=fid("parent") name="parent_id">
                                    <option value="">"— top level —"</option>
                                    {parents.into_iter().map(|(pid, pname)| view! {
                                        <option value=pid selected=Some(pid) == a.parent_id>{pname}</option>
                                    }).collect_view()}
                                </select>
                                <fieldset class="grid-box">
                                    <legend>"Place on the floor plan (grid cells; leave empty for none)"</legend>
                                    <label for=fid("x")>"Column"</label>
                                    <input id=fid("x") name="grid_x" type="number" min="0" inputmode="numeric" value=num(|g| g.x) />
                                    <label for=fid("y")>"Row"</label>
                                    <input id=fid("y") name="grid_y" type="number" min="0" inputmode="numeric" value=num(|g| g.y) />
                                    <label for=fid("w")>"Width"</label>
                                    <input id=fid("w") name="grid_w" type="number" min="1" inputmode="numeric" value=num(|g| g.w) />
                                    <label for=fid("h")>"Height"</label>
                                    <input id=fid("h") name="grid_h" type="number" min="1" inputmode="numeric" value=num(|g| g.h) />
                                </fieldset>
                                <label class="check">
                                    <input type="checkbox" name="retired" checked=a.retired />
                                    " Retired (kept for history, off the chart)"
                                </label>
                                <button type="submit">"Save area"</button>
                            </ActionForm>
                        </details>
                    </li>
                }}).collect_view()}
            </ul>
            <ActionForm action=add_area attr:class="card stack" attr:novalidate=true>
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=cid />
                <Field id="area-name" name="name" label="New area (department, line, floor…)" error=area_error />
                <label for="area-parent">"Inside"</label>
                <select id="area-parent" name="parent_id">
                    <option value="">"— top level —"</option>
                    {area_options(&areas)}
                </select>
                <FormError fields=&["name"] error=area_error />
                <button type="submit" class="primary">"Add area"</button>
            </ActionForm>
        </section>
        <section aria-labelledby="shifts-heading">
            <h2 id="shifts-heading">"Shifts"</h2>
            <ul class="plain-list" data-testid="shift-list">
                {shifts.iter().map(|s| view! { <li>{s.name.clone()}</li> }).collect_view()}
            </ul>
            <ActionForm action=add_shift attr:class="card stack" attr:novalidate=true>
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=cid />
                <Field id="shift-name" name="name" label="New shift (day, swing, night…)" error=shift_error />
                <FormError fields=&["name"] error=shift_error />
                <button type="submit" class="primary">"Add shift"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// The coworkers the caller may see, and adding one (into the caller's areas).
#[component]
pub fn CoworkersPage() -> impl IntoView {
    let id = campaign_id();
    let search: String = query()
        .get("q")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(crate::domain::organizing::SEARCH_MAX)
        .collect();
    let data = OnceResource::new(coworkers_page(id));
    view! {
        <h1>"Coworkers"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <form method="get" class="card row search" role="search" aria-label="Find a coworker">
            <label for="coworkers-q" class="visually-hidden">"Find a coworker by name"</label>
            <input id="coworkers-q" name="q" type="search" value=search.clone() placeholder="Find a coworker by name" autocomplete="off" maxlength="100" />
            <button type="submit">"Find"</button>
        </form>
        <Loaded data loading="Loading coworkers…" let:d>
            {coworkers_view(id, d, &search)}
        </Loaded>
    }
}

/// The list, only the names holding `search` (any case) when there is one.
fn coworkers_view(id: i64, d: CoworkersPageData, search: &str) -> AnyView {
    let CoworkersPageData {
        mut coworkers,
        areas,
        shifts,
    } = d;
    let needle = search.to_lowercase();
    if !needle.is_empty() {
        coworkers.retain(|c| c.name.to_lowercase().contains(&needle));
    }
    let add = ServerAction::<CreateCoworker>::new();
    let error = action_error(add);
    let area_name = |id: Option<i64>| {
        id.and_then(|id| areas.iter().find(|a| a.id == id))
            .map(|a| a.name.clone())
            .unwrap_or_else(|| "No area".into())
    };
    let shift_name = |id: Option<i64>| {
        id.and_then(|id| shifts.iter().find(|s| s.id == id))
            .map(|s| s.name.clone())
    };
    view! {
        {if coworkers.is_empty() && !needle.is_empty() {
            view! { <p class="empty">"Nobody you can see has a name like that."</p> }.into_any()
        } else if coworkers.is_empty() {
            view! { <p class="empty">"No coworkers you can see yet."</p> }.into_any()
        } else {
            view! {
                <ul class="campaign-list" data-testid="coworker-list">
                    {coworkers.iter().map(|c| view! {
                        <li>
                            <span>
                                <a href=format!("/campaigns/{id}/coworkers/{}", c.id)><strong>{c.name.clone()}</strong></a>
                                <span class="hint">" · " {area_name(c.area_id)}
                                    {shift_name(c.shift_id).map(|s| format!(" · {s}"))}
                                </span>
                            </span>
                            <span
                                class="role-tag"
                                aria-label=c.rating.map(|r| format!("rated {r}")).unwrap_or_else(|| "not yet rated".into())
                            >
                                {c.rating.map(|r| r.to_string()).unwrap_or_else(|| "?".into())}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        <ActionForm action=add attr:class="card stack" attr:novalidate=true>
            <h2>"Add a coworker"</h2>
            <ReturnTo />
            <input type="hidden" name="campaign_id" value=id />
            <Field id="coworker-name" name="name" label="Name" error />
            <label for="coworker-area">"Area"</label>
            <select id="coworker-area" name="area_id">
                <option value="">"— none —"</option>
                {area_options(&areas)}
            </select>
            <label for="coworker-shift">"Shift"</label>
            <select id="coworker-shift" name="shift_id">
                <option value="">"— none —"</option>
                {shift_options(&shifts)}
            </select>
            <Field id="coworker-job" name="job_title" label="Job title" error />
            <FormError fields=&["name", "job_title"] error />
            <button type="submit" class="primary">"Add coworker"</button>
        </ActionForm>
    }
    .into_any()
}
