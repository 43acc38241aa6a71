// rankfile's service worker: an organizer's working set stays readable with no signal.
//
// The server serves this file at /sw.js with the build's version in `VERSION` (first
// line), `Cache-Control: no-cache` and `Content-Security-Policy: default-src 'self'`; a
// new build is a new worker, and the new worker drops the old one's caches.
//
// What it keeps, and nothing else: My list, the coworker pages and log forms it links
// to (the people assigned to this organizer, and those on their list), a structure
// test's page once opened (to mark who took part with no signal), the outbox page
// (`/outbox`, which holds no one's data: its list is read from this phone), as this member's
// own browser received them, and the app's hashed CSS/JS/WASM (all of it, fetched when the
// worker installs: `PRECACHE`, the second line, names the files). Never a chart, a heat map,
// an export, another member's page, or a page that answered with a redirect (signed out,
// access revoked): such an answer drops the kept copy. Signing in or out clears all of it
// (`Clear-Site-Data: "storage"`).
//
// Pages are network first: a page just saved must show what was saved. Only when the
// network fails, or takes longer than NETWORK_WAIT_MS, does the kept copy answer (and the
// network answer, when it comes, refreshes it). A kept page is given fresh form ids, so
// two forms opened from one copy are two logs, not one sent twice.
//
// The outbox: a one-on-one, a rating, a follow-up or commitment closed, or a structure-test
// mark, posted (as a plain form: the log form's island posts natively when its own send
// fails) while the network fails, is kept in IndexedDB and the post is answered with the
// page it came from, marked `?waiting=1`. Each kept post is sent again as it was, with
// `Accept: application/json`, so the server checks it as it checks any other: on a page
// load, when the phone comes back online, and every RETRY_MS while a page is open (the
// pages ask; Background Sync is not everywhere). The server stores a repeated client id
// once, so a send cut off half way is safe to repeat. A post the server refuses (bad input,
// access gone) stays with the server's reason until the member discards it on /outbox.
// A one-on-one or rating with no time of its own is given the time it was kept, so a late
// arrival never counts as newer than it is.

const PAGES = `rankfile-pages-${VERSION}`;
const ASSETS = `rankfile-assets-${VERSION}`;
const KEPT = /^\/(outbox|campaigns\/\d+\/(my|tests\/\d+|coworkers\/\d+(\/log)?))$/;
const LINKED = /href="(\/campaigns\/\d+\/coworkers\/\d+(?:\/log)?)"/g;
const MAX_PAGES = 400;
const NETWORK_WAIT_MS = 4000;
const FORM_ID = /name="client_id" value="([0-9a-f-]{36})"/g;
const QUEUED = /^\/api\/(conversations\/log|ratings\/set|followups\/done|commitments\/resolve|structure\/record)$/;
const TIMED = /^\/api\/(conversations\/log|ratings\/set)$/;
const OUTBOX_DB = "rankfile-outbox";
const MAX_ITEMS = 200;
const MAX_BODY = 64 * 1024;
const MAX_REASON = 500;

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key !== PAGES && key !== ASSETS) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && QUEUED.test(url.pathname)) {
    event.respondWith(post(event, request, url));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/pkg/")) {
    event.respondWith(asset(request));
  } else if (url.pathname === "/outbox.js") {
    event.respondWith(script(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, request, url));
  }
});

// The pages ask: send what waits (on load, online, a timer), say what waits, drop one.
self.addEventListener("message", (event) => {
  const what = event.data && event.data.type;
  if (what === "flush") event.waitUntil(flush());
  else if (what === "status") event.waitUntil(tell());
  else if (what === "discard" && typeof event.data.key === "string") {
    event.waitUntil(drop(event.data.key).then(tell));
  } else if (what === "correct" && typeof event.data.key === "string" && event.source) {
    event.waitUntil(correction(event.data.key, event.source));
  }
});

/** A refused post, for the page that asked to correct it (the member pressed "Correct
 * it" on /outbox): its form's path, what was typed, and the page it came from. Only a
 * refused one: a waiting one is still to be sent as it is. */
async function correction(key, client) {
  const item = (await outboxItems()).find((i) => i.key === key && i.state === "refused");
  if (!item) return;
  client.postMessage({ type: "correct", key, path: item.path, body: item.body, back: item.back });
}

/** Hashed files never change: the kept copy, else the network's (then kept). */
async function asset(request) {
  const cache = await caches.open(ASSETS);
  const hit = await cache.match(request);
  if (hit) return hit;
  const answer = await fetch(request);
  if (answer.ok) await cache.put(request, answer.clone());
  return answer;
}

/** A post the outbox keeps: the network's answer, else kept and answered "waiting". */
async function post(event, request, url) {
  const body = await request.clone().text();
  try {
    const answer = await fetch(request);
    event.waitUntil(flush()); // there is signal: send what waits
    return answer;
  } catch {
    const form = new URLSearchParams(body);
    const back = localPath(form.get("__return"));
    if (body.length > MAX_BODY || (await outboxItems()).length >= MAX_ITEMS) {
      return offline();
    }
    const now = new Date();
    if (TIMED.test(url.pathname) && !(form.get("at") || "").trim()) {
      form.set("at", now.toISOString());
    }
    await put({
      key: outboxKey(url.pathname, form),
      path: url.pathname,
      body: form.toString(),
      back,
      what: describe(url.pathname, form),
      kept: now.getTime(),
      state: "waiting",
      reason: "",
    });
    event.waitUntil(tell());
    // A one-on-one goes back to My list, as a sent one does; anything else to its page.
    const campaign = form.get("campaign_id") || "";
    const logged = url.pathname.endsWith("/conversations/log") && /^\d+$/.test(campaign);
    const to = new URL(logged ? `/campaigns/${campaign}/my` : back, self.location.origin);
    to.searchParams.set("waiting", "1");
    return Response.redirect(to.href, 303);
  }
}

/**
 * What a kept post is kept under: its form's id, so the same form sent twice offline is
 * one post (the later). A structure test's page has one id for all its marks (the server
 * stores a mark once per id and person): there, the id and the people marked.
 */
function outboxKey(path, form) {
  const id = form.get("client_id");
  if (!id) return uuidV7();
  if (!path.endsWith("/structure/record")) return id;
  const one = (form.get("one") || "").split(":")[0];
  const people = one ? [one] : form.getAll("coworker_ids").sort();
  return `${id}:${people.join(",")}`;
}

/** Keeps the app's code and style (the build's hashed `/pkg` files, `PRECACHE`) when the
 * worker installs, so a page kept for no signal has its islands even if none was opened
 * with signal. One file failing leaves the rest kept (each is fetched again on use). */
async function precache() {
  const cache = await caches.open(ASSETS);
  for (const path of typeof PRECACHE === "undefined" ? [] : PRECACHE) {
    try {
      if (await cache.match(path)) continue;
      const answer = await fetch(path, { credentials: "same-origin" });
      if (answer.ok) await cache.put(path, answer);
    } catch {
      return; // no signal: the files are kept as pages use them
    }
  }
}

/** A path on this site from a form's `__return` (anything else: the home page). */
function localPath(raw) {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//")) return "/";
  if (raw.includes("\\")) return "/";
  return raw;
}

/** A line the outbox page shows for a kept post: what it is, never who it is about. */
function describe(path, form) {
  if (path.endsWith("/conversations/log")) return "A one-on-one";
  if (path.endsWith("/ratings/set")) return `A rating (${form.get("rating") || "?"})`;
  if (path.endsWith("/followups/done")) return "A follow-up marked done";
  if (path.endsWith("/commitments/resolve")) return "A commitment marked";
  return "A structure test mark";
}

let sending = null;

/** Sends every waiting post, oldest first, once at a time; stops at the first failure
 * of the network (the rest waits for the next try). */
function flush() {
  if (!sending) {
    sending = (async () => {
      try {
        const waiting = (await outboxItems())
          .filter((item) => item.state === "waiting")
          .sort((a, b) => a.kept - b.kept);
        for (const item of waiting) {
          let answer;
          try {
            answer = await fetch(item.path, {
              method: "POST",
              body: item.body,
              headers: {
                "content-type": "application/x-www-form-urlencoded",
                accept: "application/json",
              },
              credentials: "same-origin",
              redirect: "manual",
            });
          } catch {
            break; // no signal yet
          }
          if (answer.ok) {
            await drop(item.key);
          } else if (
            answer.status >= 500 ||
            answer.status === 401 ||
            answer.status === 429 ||
            answer.type === "opaqueredirect"
          ) {
            break; // the server is busy or down, or the session ended: try again later
          } else {
            item.state = "refused";
            item.reason = reasonOf(await answer.text().catch(() => ""), answer.status);
            await put(item);
          }
        }
      } finally {
        sending = null;
        await tell();
      }
    })();
  }
  return sending;
}

/** The server's words for its errors that carry none (`AppError`'s unit variants). */
const UNIT_ERRORS = {
  NotFound: "Not found: the coworker or what it was about is gone.",
  Unauthorized: "Signed out: sign in again, then do it again.",
  Forbidden: "You no longer have access to this coworker.",
  TooManyRequests: "Too many attempts.",
};

/** The server's words for a refusal (its JSON error), short. */
function reasonOf(text, status) {
  let reason = "";
  try {
    const error = JSON.parse(text);
    if (error && typeof error === "object") {
      const inner = Object.values(error)[0];
      reason = (inner && inner.message) || (typeof inner === "string" ? inner : "");
      if (!reason && "Validation" in error) reason = error.Validation.message;
      if (!reason) reason = Object.keys(error)[0] || "";
    } else if (typeof error === "string") {
      reason = UNIT_ERRORS[error] || error;
    }
  } catch {
    reason = "";
  }
  return (reason || `Refused (${status}).`).slice(0, MAX_REASON);
}

/** Tells every open page how many posts wait and which were refused. */
async function tell() {
  const items = (await outboxItems()).sort((a, b) => a.kept - b.kept);
  const message = {
    type: "outbox",
    waiting: items.filter((item) => item.state === "waiting").length,
    items: items.map(({ key, what, kept, state, reason, back }) => ({
      key,
      what,
      kept,
      state,
      reason,
      back,
    })),
  };
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage(message);
  }
}

let database = null;

function outbox(mode) {
  if (!database) {
    database = new Promise((resolve, reject) => {
      const open = indexedDB.open(OUTBOX_DB, 1);
      open.onupgradeneeded = () => open.result.createObjectStore("items", { keyPath: "key" });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => {
        database = null;
        reject(open.error);
      };
    });
  }
  return database.then((db) => db.transaction("items", mode).objectStore("items"));
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function outboxItems() {
  return done((await outbox("readonly")).getAll());
}

async function put(item) {
  return done((await outbox("readwrite")).put(item));
}

async function drop(key) {
  return done((await outbox("readwrite")).delete(key));
}

/** The pages' outbox script: the network's (then kept), else the kept copy. */
async function script(request) {
  const cache = await caches.open(ASSETS);
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(request, answer.clone());
    return answer;
  } catch (error) {
    const hit = await cache.match(request);
    if (hit) return hit;
    throw error;
  }
}

/** A page: the network's answer, else (no signal, or too slow) the kept copy. */
async function page(event, request, url) {
  const network = fetch(request);
  if (!KEPT.test(url.pathname)) return network.catch(() => offline());
  const key = url.origin + url.pathname;
  // Registered before anyone reads the answer, so the copy is taken first; the worker is
  // kept alive until the copy (and, for My list, the pages it links to) is stored.
  event.waitUntil(
    network.then((answer) => keep(key, answer.clone(), url.search === "")).catch(() => {}),
  );
  const slow = new Promise((resolve) => setTimeout(() => resolve(null), NETWORK_WAIT_MS));
  const first = await Promise.race([network.catch(() => null), slow]);
  if (first) return first;
  const copy = await keptCopy(key);
  if (copy) return copy;
  return network.catch(() => offline());
}

/**
 * Keeps a page the member received whole (200, HTML, not redirected); anything else
 * for the same address drops the copy. My list's answer also fetches the pages it links
 * to that are not kept yet, two at a time, within MAX_PAGES.
 */
async function keep(key, answer, exact) {
  const cache = await caches.open(PAGES);
  const html = (answer.headers.get("content-type") || "").startsWith("text/html");
  if (!answer.ok || answer.redirected || !html) {
    await cache.delete(key);
    return;
  }
  // An address with a query (`/my?logged=3`) is not kept as the page itself.
  if (!exact) return;
  const body = await answer.clone().text();
  await cache.put(key, new Response(body, { headers: answer.headers }));
  if (key.endsWith("/my")) await fetchLinked(cache, body);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
}

async function fetchLinked(cache, body) {
  // The outbox page too: what waits to send must be readable with no signal.
  const wanted = [];
  const outboxPage = self.location.origin + "/outbox";
  if (!(await cache.match(outboxPage))) wanted.push(outboxPage);
  for (const [, path] of body.matchAll(LINKED)) {
    const key = self.location.origin + path;
    if (!wanted.includes(key) && !(await cache.match(key))) wanted.push(key);
  }
  const next = async () => {
    for (let key = wanted.shift(); key; key = wanted.shift()) {
      try {
        const answer = await fetch(key, { credentials: "same-origin", redirect: "follow" });
        await keep(key, answer, true);
      } catch {
        return; // no signal: what is kept stays kept
      }
    }
  };
  await Promise.all([next(), next()]);
}

/** The kept copy of a page, its form ids made fresh. */
async function keptCopy(key) {
  const cache = await caches.open(PAGES);
  const hit = await cache.match(key);
  if (!hit) return null;
  let body = await hit.text();
  const ids = new Set([...body.matchAll(FORM_ID)].map((m) => m[1]));
  // Every occurrence: the hidden field, and the island's props that hydrate it.
  for (const id of ids) body = body.split(id).join(uuidV7());
  const headers = new Headers(hit.headers);
  headers.set("x-rankfile-kept", "1");
  return new Response(body, { status: 200, headers });
}

/** A form id as the server makes one: a UUID v7, whose first 48 bits are the time. */
function uuidV7() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let now = Date.now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = now % 256;
    now = Math.floor(now / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function offline() {
  const body =
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>No signal · rankfile</title></head><body><main>" +
    "<h1>No signal</h1><p>This page is not kept on this phone. My list, and the " +
    "coworkers on it, are: open My list once with signal and they stay readable.</p>" +
    '<p><a href="/">Try again</a></p></main></body></html>';
  return new Response(body, {
    status: 503,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "cache-control": "no-store",
    },
  });
}
