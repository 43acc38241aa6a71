// rankfile's outbox, the page's side: shows what this phone still holds to send, and asks
// the service worker (`sw.js`, which keeps the posts) to send them.
//
// Served at /outbox.js from our own origin. Every page loads it; without a service worker
// (or without JavaScript) it does nothing and nothing is kept. It never reads the kept
// posts' contents: the worker tells it what each one is ("A one-on-one") and its state.

const RETRY_MS = 30000;
const workers = navigator.serviceWorker;

if (workers) {
  let waiting = 0;

  const ask = (message) => {
    if (workers.controller) workers.controller.postMessage(message);
  };
  const send = () => ask({ type: "flush" });

  workers.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || data.type !== "outbox") return;
    waiting = data.waiting;
    showCount(data);
    showList(data.items);
  });

  // A post just kept: say so where the page starts.
  if (new URLSearchParams(location.search).get("waiting") === "1") {
    const main = document.getElementById("main");
    if (main) {
      const note = document.createElement("p");
      note.className = "notice";
      note.setAttribute("role", "status");
      note.dataset.testid = "kept-notice";
      note.textContent =
        "No signal: kept on this phone. It is sent by itself when the signal is back.";
      main.prepend(note);
    }
  }

  // Signing out (or in: a shared phone starts clean) clears this phone, the outbox too:
  // say so first, and offer to send.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || waiting === 0) return;
      const path = new URL(form.action).pathname;
      if (!/^\/api\/auth\/sign_(in|out|out_everywhere)$/.test(path)) return;
      const leave = window.confirm(
        `${waiting} waiting to send will be lost: signing in or out clears this phone. ` +
          "Cancel to stay and send them when there is signal; OK to go on anyway.",
      );
      if (!leave) {
        event.preventDefault();
        send();
      }
    },
    true,
  );

  const list = document.getElementById("outbox-items");
  if (list) {
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-key]");
      if (button) ask({ type: "discard", key: button.dataset.key });
    });
    const now = document.getElementById("outbox-send");
    if (now) {
      now.hidden = false;
      now.addEventListener("click", send);
    }
  }

  window.addEventListener("online", send);
  setInterval(send, RETRY_MS);
  workers.ready.then(() => {
    ask({ type: "status" });
    send();
  });
  workers.addEventListener("controllerchange", () => ask({ type: "status" }));

  function showCount(data) {
    const count = document.getElementById("outbox-count");
    if (!count) return;
    const refused = data.items.length - data.waiting;
    const parts = [];
    if (data.waiting > 0) parts.push(`${data.waiting} waiting to send`);
    if (refused > 0) parts.push(`${refused} not sent`);
    count.textContent = parts.join(" · ");
    count.hidden = parts.length === 0;
  }

  function showList(items) {
    if (!list) return;
    const none = document.getElementById("outbox-none");
    if (none) none.hidden = items.length > 0;
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement("li");
        li.className = "card";
        li.dataset.state = item.state;
        const what = document.createElement("p");
        const strong = document.createElement("strong");
        strong.textContent = item.what;
        what.append(strong, ` · kept ${new Date(item.kept).toLocaleString()}`);
        li.append(what);
        if (item.state === "refused") {
          const reason = document.createElement("p");
          reason.className = "error";
          reason.textContent = `Not sent: ${item.reason}`;
          const again = document.createElement("a");
          again.href = item.back;
          again.textContent = "Open the page to do it again";
          const discard = document.createElement("button");
          discard.type = "button";
          discard.className = "danger";
          discard.dataset.key = item.key;
          discard.textContent = "Discard";
          li.append(reason, again, discard);
        } else {
          const state = document.createElement("p");
          state.className = "hint";
          state.textContent = "Waiting to send.";
          li.append(state);
        }
        return li;
      }),
    );
  }
}
