use leptos::prelude::*;

use crate::api::campaigns::{list_campaigns, CreateCampaign};
use crate::components::form::{FieldError, FormError};
use crate::domain::CampaignName;

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let create = ServerAction::<CreateCampaign>::new();
    let campaigns = Resource::new(move || create.version().get(), |_| list_campaigns());
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let name_invalid = move || {
        error
            .get()
            .and_then(|e| e.field_message(CampaignName::FIELD))
            .is_some()
            .to_string()
    };

    view! {
        <h1>"Campaigns"</h1>
        <section class="card" aria-labelledby="new-campaign-heading">
            <h2 id="new-campaign-heading">"Start a campaign"</h2>
            <ActionForm action=create attr:class="stack" attr:novalidate=true>
                <label for="campaign-name">"Campaign name"</label>
                <input
                    id="campaign-name"
                    name="name"
                    type="text"
                    autocomplete="off"
                    aria-describedby="campaign-name-error"
                    aria-invalid=name_invalid
                />
                <FieldError id="campaign-name" field=CampaignName::FIELD error />
                <FormError fields=&[CampaignName::FIELD] error />
                <button type="submit" class="primary">"Create campaign"</button>
            </ActionForm>
        </section>
        <section aria-labelledby="campaign-list-heading">
            <h2 id="campaign-list-heading">"Your campaigns"</h2>
            <Suspense fallback=|| view! { <p>"Loading campaigns…"</p> }>
                {move || Suspend::new(async move {
                    match campaigns.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">"No campaigns yet."</p> }.into_any()
                        }
                        Ok(list) => view! { <CampaignList campaigns=list /> }.into_any(),
                        Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }
                            .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CampaignList(campaigns: Vec<crate::domain::Campaign>) -> impl IntoView {
    view! {
        <ul class="campaign-list" data-testid="campaign-list">
            {campaigns
                .into_iter()
                .map(|c| view! { <li>{c.name}</li> })
                .collect_view()}
        </ul>
    }
}
