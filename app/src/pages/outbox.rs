//! What this phone still holds to send (`/outbox`). The list itself lives on the phone
//! (the service worker's outbox, `server/src/offline/sw.js`): the page's script
//! (`/outbox.js`) fills it in. The server knows nothing of it, and shows no one's data.

use leptos::prelude::*;

#[component]
pub fn OutboxPage() -> impl IntoView {
    view! {
        <h1>"Waiting to send"</h1>
        <p class="hint">
            "What you log with no signal stays on this phone until the server has it, and is sent by itself when the signal is back. Something the server refused stays here with its reason until you discard it."
        </p>
        <p id="outbox-none" data-testid="outbox-none">"Nothing is waiting on this phone."</p>
        <ol id="outbox-items" class="stack plain-list" data-testid="outbox-items"></ol>
        <button type="button" id="outbox-send" hidden=true>"Send now"</button>
        <noscript>
            <p>"Without JavaScript nothing is kept on this phone: every form is sent at once."</p>
        </noscript>
    }
}
