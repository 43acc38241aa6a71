//! Importing the employer's list: upload, check the columns and every row, see what
//! would change, and apply what the lead confirms.

use leptos::prelude::*;

use crate::api::roster::{encode_mapping, preview_roster, ApplyRoster, Changes, RosterPreview};
use crate::components::form::{action_error, FormError, ReturnTo};
use crate::components::gate::{CampaignLoad, Loaded};
use crate::domain::roster::{Field, ImportSummary, Mapping, MatchBy, ENCODINGS};
use crate::domain::Choice;
use crate::pages::layout::{campaign_id, query, route_id};

/// Step 1: the upload form. A plain multipart form (it works the same with and
/// without WebAssembly); the server sends the browser on to the preview.
#[component]
pub fn ImportPage() -> impl IntoView {
    let id = campaign_id();
    let refused = query().get("error");
    // Shown to the campaign's members only (the upload itself is for leads).
    let CampaignLoad(campaign) = expect_context::<CampaignLoad>();
    view! {
        <Loaded data=campaign let:_c>
            {upload_view(id, refused.clone())}
        </Loaded>
    }
}

fn upload_view(id: i64, refused: Option<String>) -> AnyView {
    view! {
        <h1>"Import the employer's list"</h1>
        <p><a class="back" href=format!("/campaigns/{id}/chart")>"← Chart"</a></p>
        <ol class="steps">
            <li>"Upload the list as a CSV file (from a spreadsheet: File → Save As → CSV UTF-8)."</li>
            <li>"Check which column is which, and fix any rows rankfile points out."</li>
            <li>"See who is new, who moved and who is no longer on the list, and apply what you confirm."</li>
        </ol>
        <form
            class="card stack"
            method="post"
            action="/api/roster/upload"
            enctype="multipart/form-data"
            data-testid="roster-upload"
        >
            <input type="hidden" name="campaign_id" value=id />
            <label for="roster-file">"Roster file (CSV, up to 20 MB)"</label>
            <input
                id="roster-file"
                name="file"
                type="file"
                accept=".csv,text/csv"
                required
                aria-describedby="roster-file-error"
            />
            <p id="roster-file-error" class="field-error" role="alert">{refused}</p>
            <button type="submit" class="primary">"Upload and preview"</button>
        </form>
    }
    .into_any()
}

/// The mapping from the address (`col0=name&col1=&…&match=…`), or "" for rankfile's guess.
fn mapping_from_query(query: &leptos_router::params::ParamsMap) -> String {
    let columns: Vec<String> = (0..).map_while(|i| query.get(&format!("col{i}"))).collect();
    columns.join(",")
}

/// Steps 2 and 3: the preview and the confirmation.
#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let id = campaign_id();
    let import_id = route_id("iid");
    let (mapping, by, encoding) = {
        let q = query();
        (
            mapping_from_query(&q),
            q.get("match").unwrap_or_default(),
            q.get("enc").unwrap_or_default(),
        )
    };
    let preview = OnceResource::new(preview_roster(id, import_id, mapping, by, encoding));
    view! {
        <h1>"Import preview"</h1>
        <p><a class="back" href=format!("/campaigns/{id}/import")>"← Upload another file"</a></p>
        <Loaded data=preview loading="Reading the file…" let:p>
            {preview_view(id, p)}
        </Loaded>
    }
}

fn preview_view(campaign: i64, p: RosterPreview) -> AnyView {
    // Applying posts without JavaScript and comes back here, where the import then
    // reads "applied" (or the refusal, from the address).
    let apply = ServerAction::<ApplyRoster>::new();
    let apply_error = action_error(apply);
    if let Some(summary) = p.summary {
        return summary_view(campaign, summary);
    }
    let applied = p.status != "pending";
    view! {
        <p>
            <strong>{p.filename.clone()}</strong>
            " · " {p.rows} " rows"
            {applied.then(|| view! { " · " <strong data-testid="roster-status">"applied"</strong> })}
        </p>
        {mapping_form(&p)}
        {p.mapping_error.clone().map(|m| view! { <p class="form-error" role="alert" data-testid="mapping-error">{m}</p> })}
        {(p.error_count > 0).then(|| view! {
            <section class="card" aria-labelledby="row-errors-heading">
                <h2 id="row-errors-heading">{format!("{} rows need fixing", p.error_count)}</h2>
                <p>"Nothing is imported until every row is right. Fix these in the file and upload it again."</p>
                <ul class="plain-list" data-testid="row-errors">
                    {p.errors.iter().map(|e| {
                        let field = Field::parse(&e.field).map(|f| f.label()).unwrap_or("Row");
                        view! { <li>{format!("Line {} · {}: {}", e.line, field, e.message)}</li> }
                    }).collect_view()}
                </ul>
                {(p.error_count > p.errors.len()).then(|| view! {
                    <p class="hint">{format!("…and {} more.", p.error_count - p.errors.len())}</p>
                })}
            </section>
        })}
        {match (p.changes.clone(), applied) {
            (Some(changes), false) => changes_form(campaign, &p, changes, apply, apply_error).into_any(),
            (_, true) => view! {
                <p>"This list has been applied. " <a href=format!("/campaigns/{campaign}/chart")>"See the chart"</a></p>
            }.into_any(),
            (None, false) => ().into_any(),
        }}
    }
    .into_any()
}

/// An import whose file is deleted: what is kept of it.
fn summary_view(campaign: i64, s: ImportSummary) -> AnyView {
    let count = |n: Option<i64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
    let outcome = if s.status == "applied" {
        format!(
            "Applied{}: {} added, {} moved, {} marked as left.",
            s.applied_at
                .map(|at| format!(" on {}", at.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default(),
            count(s.new),
            count(s.moved),
            count(s.gone)
        )
    } else {
        "Never applied: it was left for more than a day and discarded.".to_owned()
    };
    view! {
        <section class="card stack" data-testid="import-summary">
            <p>
                <strong>{s.filename.clone()}</strong>
                " · " {count(s.rows)} " rows · uploaded by " {s.uploaded_by.clone()} " on "
                {s.uploaded_at.format("%Y-%m-%d %H:%M UTC").to_string()}
                " · " <strong data-testid="roster-status">{s.status.clone()}</strong>
            </p>
            <p>{outcome}</p>
            <p class="hint">
                "The employer's list itself is no longer kept: rankfile deletes an uploaded \
                 file once its import is applied, or after a day if it is not. Upload it \
                 again to import it."
            </p>
            <p><a href=format!("/campaigns/{campaign}/chart")>"See the chart"</a></p>
        </section>
    }
    .into_any()
}

/// Which column is which: a GET form, so the preview is recomputed on the server.
fn mapping_form(p: &RosterPreview) -> impl IntoView {
    let Mapping { columns } = &p.mapping;
    let read_as = p.encoding.clone();
    let encoding_error = p.encoding_error.clone();
    view! {
        <form method="get" class="card stack" data-testid="mapping-form">
            <h2>"Columns"</h2>
            <label for="encoding">"Read the file as"</label>
            <select id="encoding" name="enc" aria-describedby="encoding-error">
                {ENCODINGS.into_iter().map(|(label, shown)| view! {
                    <option value=label selected=read_as == label>{shown}</option>
                }).collect_view()}
            </select>
            <p id="encoding-error" class="field-error" role="alert" data-testid="encoding-error">{encoding_error}</p>
            <p class="hint">"If names show odd letters (Ã©, â€™, �), choose another encoding and check again."</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="The file's columns">
                <table>
                    <thead><tr><th scope="col">"In the file"</th><th scope="col">"First rows"</th><th scope="col">"Is"</th></tr></thead>
                    <tbody>
                        {p.headers.iter().enumerate().map(|(i, h)| {
                            let current = columns.get(i).copied().flatten();
                            let samples = p.sample.iter().filter_map(|r| r.get(i)).filter(|v| !v.is_empty()).take(3).cloned().collect::<Vec<_>>().join(" · ");
                            let select_id = format!("col{i}");
                            view! {
                                <tr>
                                    <td><label for=select_id.clone()>{h.clone()}</label></td>
                                    <td class="hint">{samples}</td>
                                    <td>
                                        <select id=select_id.clone() name=select_id>
                                            <option value="" selected=current.is_none()>"— not imported —"</option>
                                            {Field::ALL.into_iter().map(|f| view! {
                                                <option value=f.key() selected=current == Some(f)>{f.label()}</option>
                                            }).collect_view()}
                                        </select>
                                        {p.sureness.get(i).copied().flatten().filter(|s| *s < 100).map(|s| view! {
                                            <p class="hint" data-testid="near-guess">{format!("A near match ({s} % alike): check it.")}</p>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <label for="match-by">"Recognise people already on the chart by"</label>
            <select id="match-by" name="match">
                <option value=MatchBy::EmployeeRef.key() selected=p.match_by == MatchBy::EmployeeRef>"Employee ID (then name and area)"</option>
                <option value=MatchBy::NameAndArea.key() selected=p.match_by == MatchBy::NameAndArea>"Name and area"</option>
            </select>
            <button type="submit">"Check again"</button>
        </form>
    }
}

fn changes_form(
    campaign: i64,
    p: &RosterPreview,
    c: Changes,
    apply: ServerAction<ApplyRoster>,
    apply_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let import_id = p.import_id;
    let mapping = encode_mapping(&p.mapping);
    let match_by = p.match_by.key();
    let encoding = p.encoding.clone();
    let more = |shown: usize, total: usize| {
        (total > shown)
            .then(|| view! { <li class="hint">{format!("…and {} more", total - shown)}</li> })
    };
    view! {
        <ActionForm action=apply attr:class="card stack" attr:data-testid="apply-form">
            <h2>"What would change"</h2>
            <ReturnTo />
            <input type="hidden" name="campaign_id" value=campaign />
            <input type="hidden" name="import_id" value=import_id />
            <input type="hidden" name="mapping" value=mapping />
            <input type="hidden" name="match_by" value=match_by />
            <input type="hidden" name="encoding" value=encoding />
            <p data-testid="roster-summary">
                {format!("{} new, {} moved, {} no longer on the list, {} unchanged.", c.new_count, c.moved_count, c.gone_count, c.unchanged)}
            </p>
            {(c.link_count > 0).then(|| view! {
                <p class="hint">{format!("{} coworkers already on the chart get their employee ID from this list.", c.link_count)}</p>
            })}
            {(!c.new_areas.is_empty() || !c.new_shifts.is_empty()).then(|| view! {
                <p class="hint">
                    {(!c.new_areas.is_empty()).then(|| format!("New areas: {}. ", c.new_areas.join(", ")))}
                    {(!c.new_shifts.is_empty()).then(|| format!("New shifts: {}.", c.new_shifts.join(", ")))}
                </p>
            })}
            {(c.new_count > 0).then(|| view! {
                <fieldset>
                    <legend>{format!("New on the list ({})", c.new_count)}</legend>
                    <label class="check"><input type="checkbox" name="add_new" checked=true />{format!(" Add all {} to the chart", c.new_count)}</label>
                    <ul class="compact">
                        {c.new.iter().map(|r| view! { <li>{format!("{} · {}", r.name, if r.area.is_empty() { "no area" } else { &r.area })}</li> }).collect_view()}
                        {more(c.new.len(), c.new_count)}
                    </ul>
                </fieldset>
            })}
            {(c.moved_count > 0).then(|| view! {
                <fieldset>
                    <legend>{format!("Moved or changed job ({})", c.moved_count)}</legend>
                    {c.moved.iter().enumerate().map(|(i, m)| view! {
                        <label class="check">
                            <input type="checkbox" name=format!("moves[{i}]") value=m.id checked=true />
                            {format!(" {}: {} / {} / {} → {} / {} / {}", m.name, m.from_area, m.from_shift, m.from_job, m.to_area, m.to_shift, m.to_job)}
                        </label>
                    }).collect_view()}
                    <ul class="compact">{more(c.moved.len(), c.moved_count)}</ul>
                </fieldset>
            })}
            {(c.gone_count > 0).then(|| view! {
                <fieldset>
                    <legend>{format!("No longer on the list ({})", c.gone_count)}</legend>
                    <p class="hint">"Tick those who have really left: they are marked “left” and stay in the history."</p>
                    {c.gone.iter().enumerate().map(|(i, (id, name, area))| view! {
                        <label class="check">
                            <input type="checkbox" name=format!("gone[{i}]") value=*id />
                            {format!(" {name} · {}", if area.is_empty() { "no area" } else { area })}
                        </label>
                    }).collect_view()}
                    <ul class="compact">{more(c.gone.len(), c.gone_count)}</ul>
                </fieldset>
            })}
            <FormError fields=&[] error=apply_error />
            <button type="submit" class="primary">"Apply"</button>
        </ActionForm>
    }
}
