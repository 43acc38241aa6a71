use leptos::prelude::*;

use crate::api::campaigns::{list_campaigns, CreateCampaign};
use crate::components::form::{action_error, Field, FormError, ReturnTo};
use crate::components::gate::Loaded;
use crate::domain::{CampaignName, MyCampaign};

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let create = ServerAction::<CreateCampaign>::new();
    let campaigns = OnceResource::new(list_campaigns());
    let error = action_error(create);

    view! {
        <Loaded data=campaigns loading="Loading campaigns…" let:list>
            {campaigns_view(list)}
        </Loaded>
        <section class="card" aria-labelledby="new-campaign-heading">
            <h2 id="new-campaign-heading">"Start a campaign"</h2>
            <ActionForm action=create attr:class="stack" attr:novalidate=true>
                <ReturnTo />
                <Field id="campaign-name" name=CampaignName::FIELD label="Campaign name" autocomplete="off" error />
                <FormError fields=&[CampaignName::FIELD] error />
                <button type="submit" class="primary">"Create campaign"</button>
            </ActionForm>
        </section>
    }
}

fn campaigns_view(list: Vec<MyCampaign>) -> AnyView {
    view! {
        <h1>"Campaigns"</h1>
        <section aria-labelledby="campaign-list-heading">
            <h2 id="campaign-list-heading">"Your campaigns"</h2>
            {if list.is_empty() {
                view! { <p class="empty">"No campaigns yet."</p> }.into_any()
            } else {
                view! { <CampaignList campaigns=list /> }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn CampaignList(campaigns: Vec<MyCampaign>) -> impl IntoView {
    view! {
        <ul class="campaign-list" data-testid="campaign-list">
            {campaigns
                .into_iter()
                .map(|c| {
                    view! {
                        <li>
                            <a href=format!("/campaigns/{}", c.id)>{c.name}</a>
                            <span class="role-tag">{c.role.as_str()}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
