// rankfile's outbox, the page's side: shows what this phone still holds to send, and asks
// the service worker (`sw.js`, which keeps the posts) to send them.
//
// Served at /outbox.js from our own origin. Every page loads it; without a service worker
// (or without JavaScript) it does nothing and nothing is kept. It reads a kept post's
// contents only when the member asks to correct one the server refused: the worker hands
// that one over, the page it came from opens with its form filled in, and saving it
// discards the refused copy. Otherwise the worker tells it only what each one is ("A
// one-on-one") and its state.

const RETRY_MS = 30000;
/** Where a tab keeps the post it is about to correct, between /outbox and its page. */
const CORRECTING = "rankfile-correcting";
const workers = navigator.serviceWorker;

if (workers) {
  let waiting = 0;

  const ask = (message) => {
    if (workers.controller) workers.controller.postMessage(message);
  };
  const send = () => ask({ type: "flush" });

  workers.addEventListener("message", (event) => {
    const data = event.data;
    if (data && data.type === "correct") return openToCorrect(data);
    if (!data || data.type !== "outbox") return;
    waiting = data.waiting;
    showCount(data);
    showList(data.items);
  });

  // A post just kept: say so where the page starts.
  if (new URLSearchParams(location.search).get("waiting") === "1") {
    const main = document.getElementById("main");
    if (main) {
      main.prepend(
        notice(
          "kept-notice",
          "No signal: kept on this phone. It is sent by itself when the signal is back.",
        ),
      );
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
      if (button) ask({ type: button.dataset.do, key: button.dataset.key });
    });
    const now = document.getElementById("outbox-send");
    if (now) {
      now.hidden = false;
      now.addEventListener("click", send);
    }
  }

  correctHere();

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
          const actions = document.createElement("p");
          actions.className = "row";
          const button = (what, className, text) => {
            const b = document.createElement("button");
            b.type = "button";
            b.className = className;
            b.dataset.key = item.key;
            b.dataset.do = what;
            b.textContent = text;
            return b;
          };
          actions.append(
            button("correct", "primary", "Correct it"),
            button("discard", "danger", "Discard"),
          );
          li.append(reason, actions);
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

  /** The refused post the worker handed over: kept for this tab only, then its page. */
  function openToCorrect(data) {
    try {
      sessionStorage.setItem(CORRECTING, JSON.stringify(data));
    } catch {
      return;
    }
    location.assign(data.back || "/");
  }

  /** On the page of a post being corrected: its form filled in as it was typed, a fresh
   * form id (so saving it is a post of its own), and the refused copy discarded when it
   * is saved. The copy in this tab is removed at once: the form holds it now. */
  function correctHere() {
    let data = null;
    try {
      data = JSON.parse(sessionStorage.getItem(CORRECTING) || "null");
      sessionStorage.removeItem(CORRECTING);
    } catch {
      return;
    }
    if (!data || typeof data.path !== "string" || typeof data.body !== "string") return;
    const form = [...document.forms].find(
      (f) => f.method === "post" && new URL(f.action, location.href).pathname === data.path,
    );
    if (!form) return;
    fill(form, new URLSearchParams(data.body));
    const id = form.elements.namedItem("client_id");
    if (id instanceof HTMLInputElement && crypto.randomUUID) id.value = crypto.randomUUID();
    form.before(
      notice(
        "correcting-notice",
        "Correcting what the server refused: fix it and save. The refused copy is discarded when you save.",
      ),
    );
    form.addEventListener("submit", () => ask({ type: "discard", key: data.key }), {
      once: true,
    });
  }
}

/** A line that tells the member what the phone did (read out by screen readers). */
function notice(testid, text) {
  const note = document.createElement("p");
  note.className = "notice";
  note.setAttribute("role", "status");
  note.dataset.testid = testid;
  note.textContent = text;
  return note;
}

/**
 * Fills `form` with what was posted (`kept`): each field's value, the radio buttons and
 * check boxes whose values were sent (a list field, `issues[0]`, by its values), and, for
 * a value the form has no control for (when a rating was taken), a hidden field; a radio
 * value the form does not offer (a one-on-one's time) is added as a choice of its own.
 * The page's own return path, ids and form id stay as the page has them.
 */
function fill(form, kept) {
  const base = (name) => name.replace(/\[\d+\]$/, "");
  const values = new Map();
  for (const [name, value] of kept) {
    if (name === "__return" || name === "client_id") continue;
    const key = base(name);
    if (!values.has(key)) values.set(key, []);
    values.get(key).push(value);
  }
  for (const [name, sent] of values) {
    const controls = [...form.elements].filter((el) => el.name && base(el.name) === name);
    if (controls.length === 0) {
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = sent[0];
      form.append(hidden);
      continue;
    }
    const choices = controls.filter((el) => el.type === "radio" || el.type === "checkbox");
    if (choices.length > 0) {
      for (const el of choices) el.checked = sent.includes(el.value);
      const last = choices[choices.length - 1];
      const label = last.closest("label");
      if (last.type === "radio" && !choices.some((el) => el.checked) && label) {
        const choice = label.cloneNode(false);
        const input = last.cloneNode(false);
        input.removeAttribute("id");
        input.value = sent[0];
        input.checked = true;
        choice.append(input, ` ${sent[0].replace("T", " ")}`);
        label.after(choice);
      }
      continue;
    }
    controls.forEach((el, i) => {
      if (el.type !== "hidden" && i < sent.length) el.value = sent[i];
    });
  }
  const notes = form.querySelector("textarea");
  if (notes) notes.dispatchEvent(new Event("input", { bubbles: true }));
}
