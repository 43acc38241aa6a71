//! The workplace map (areas and shifts, built by leads) and the coworkers a member may see.

use leptos::prelude::*;

use crate::api::coworkers::{list_coworkers, CreateCoworker};
use crate::api::map::{list_areas, list_shifts, CreateArea, CreateShift};
use crate::components::form::{Field, FormError, ReturnTo};
use crate::components::gate::error_view;
use crate::domain::{Area, Shift};
use crate::pages::campaign::campaign_id;

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
    let add_area = ServerAction::<CreateArea>::new();
    let add_shift = ServerAction::<CreateShift>::new();
    let areas = Resource::new(
        move || (id.get(), add_area.version().get()),
        |(id, _)| list_areas(id),
    );
    let shifts = Resource::new(
        move || (id.get(), add_shift.version().get()),
        |(id, _)| list_shifts(id),
    );
    let area_error = Signal::derive(move || add_area.value().get().and_then(Result::err));
    let shift_error = Signal::derive(move || add_shift.value().get().and_then(Result::err));
    view! {
        <h1>"Workplace map"</h1>
        <p><a href=move || format!("/campaigns/{}", id.get())>"← Campaign"</a></p>
        <Suspense fallback=|| view! { <p>"Loading the map…"</p> }>
            {move || Suspend::new(async move {
                let (areas, shifts) = match (areas.await, shifts.await) {
                    (Ok(a), Ok(s)) => (a, s),
                    (Err(e), _) | (_, Err(e)) => return error_view(e),
                };
                let name_of = |id: Option<i64>| {
                    id.and_then(|id| areas.iter().find(|a| a.id == id)).map(|a| a.name.clone())
                };
                view! {
                    <section aria-labelledby="areas-heading">
                        <h2 id="areas-heading">"Areas"</h2>
                        <ul class="plain-list" data-testid="area-list">
                            {areas.iter().map(|a| view! {
                                <li>
                                    <strong>{a.name.clone()}</strong>
                                    <span class="hint">" #" {a.id}</span>
                                    {name_of(a.parent_id).map(|p| view! { <span class="hint">" in " {p}</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                        <ActionForm action=add_area attr:class="card stack" attr:novalidate=true>
                            <ReturnTo />
                            <input type="hidden" name="campaign_id" value=id.get_untracked() />
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
                            <input type="hidden" name="campaign_id" value=id.get_untracked() />
                            <Field id="shift-name" name="name" label="New shift (day, swing, night…)" error=shift_error />
                            <FormError fields=&["name"] error=shift_error />
                            <button type="submit" class="primary">"Add shift"</button>
                        </ActionForm>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The coworkers the caller may see, and adding one (into the caller's areas).
#[component]
pub fn CoworkersPage() -> impl IntoView {
    let id = campaign_id();
    let add = ServerAction::<CreateCoworker>::new();
    let data = Resource::new(
        move || (id.get(), add.version().get()),
        |(id, _)| async move {
            Ok::<_, crate::error::AppError>((
                list_coworkers(id).await?,
                list_areas(id).await?,
                list_shifts(id).await?,
            ))
        },
    );
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    view! {
        <h1>"Coworkers"</h1>
        <p><a href=move || format!("/campaigns/{}", id.get())>"← Campaign"</a></p>
        <Suspense fallback=|| view! { <p>"Loading coworkers…"</p> }>
            {move || Suspend::new(async move {
                let (coworkers, areas, shifts) = match data.await {
                    Ok(d) => d,
                    Err(e) => return error_view(e),
                };
                let area_name = |id: Option<i64>| {
                    id.and_then(|id| areas.iter().find(|a| a.id == id))
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| "No area".into())
                };
                let shift_name = |id: Option<i64>| {
                    id.and_then(|id| shifts.iter().find(|s| s.id == id)).map(|s| s.name.clone())
                };
                view! {
                    {if coworkers.is_empty() {
                        view! { <p class="empty">"No coworkers you can see yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="campaign-list" data-testid="coworker-list">
                                {coworkers.iter().map(|c| view! {
                                    <li>
                                        <span>
                                            <strong>{c.name.clone()}</strong>
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
                        <input type="hidden" name="campaign_id" value=id.get_untracked() />
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
            })}
        </Suspense>
    }
}
