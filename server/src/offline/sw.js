// rankfile's service worker: an organizer's working set stays readable with no signal.
//
// The server serves this file at /sw.js with the build's version in `VERSION` (first
// line), `Cache-Control: no-cache` and `Content-Security-Policy: default-src 'self'`; a
// new build is a new worker, and the new worker drops the old one's caches.
//
// What it keeps, and nothing else: My list, the coworker pages and log forms it links
// to (the people assigned to this organizer, and those on their list), as this member's
// own browser received them, and the app's hashed CSS/JS/WASM. Never a chart, a heat map,
// an export, another member's page, or a page that answered with a redirect (signed out,
// access revoked): such an answer drops the kept copy. Signing in or out clears all of it
// (`Clear-Site-Data: "storage"`).
//
// Pages are network first: a page just saved must show what was saved. Only when the
// network fails, or takes longer than NETWORK_WAIT_MS, does the kept copy answer (and the
// network answer, when it comes, refreshes it). A kept page is given fresh form ids, so
// two forms opened from one copy are two logs, not one sent twice.

const PAGES = `rankfile-pages-${VERSION}`;
const ASSETS = `rankfile-assets-${VERSION}`;
const KEPT = /^\/campaigns\/\d+\/(my|coworkers\/\d+(\/log)?)$/;
const LINKED = /href="(\/campaigns\/\d+\/coworkers\/\d+(?:\/log)?)"/g;
const MAX_PAGES = 400;
const NETWORK_WAIT_MS = 4000;
const FORM_ID = /name="client_id" value="([0-9a-f-]{36})"/g;

self.addEventListener("install", () => self.skipWaiting());

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
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/pkg/")) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, request, url));
  }
});

/** Hashed files never change: the kept copy, else the network's (then kept). */
async function asset(request) {
  const cache = await caches.open(ASSETS);
  const hit = await cache.match(request);
  if (hit) return hit;
  const answer = await fetch(request);
  if (answer.ok) await cache.put(request, answer.clone());
  return answer;
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
  const wanted = [];
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
