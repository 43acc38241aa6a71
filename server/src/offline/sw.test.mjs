// Unit tests of the service worker's outbox (`sw.js`), run by `make unit` with Node's
// own test runner: `node --test server/src/offline/`. The worker runs in a VM context
// with the browser pieces it uses stood in for: an in-memory IndexedDB, a scripted
// network, and the pages it tells.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("./sw.js", import.meta.url), "utf8");
const ORIGIN = "https://rankfile.test";

/** An IndexedDB of one object store, enough for the worker: getAll, put, delete. */
function memoryIndexedDb() {
  const rows = new Map();
  const request = (work) => {
    const r = {};
    queueMicrotask(() => {
      r.result = work();
      r.onsuccess && r.onsuccess();
    });
    return r;
  };
  const store = {
    getAll: () => request(() => [...rows.values()].map((v) => structuredClone(v))),
    put: (item) => request(() => rows.set(item.key, structuredClone(item))),
    delete: (key) => request(() => rows.delete(key)),
  };
  const db = { transaction: () => ({ objectStore: () => store }), createObjectStore() {} };
  return {
    rows,
    open() {
      const r = {};
      queueMicrotask(() => {
        r.result = db;
        r.onupgradeneeded && r.onupgradeneeded();
        r.onsuccess && r.onsuccess();
      });
      return r;
    },
  };
}

/** Caches in memory, enough for the worker: open, match, put, keys, delete. */
function memoryCaches() {
  const stores = new Map();
  return {
    stores,
    open: async (name) => {
      if (!stores.has(name)) stores.set(name, new Map());
      const store = stores.get(name);
      const key = (r) => (typeof r === "string" ? r : r.url);
      return {
        match: async (r) => store.get(key(r)) ?? null,
        put: async (r, answer) => void store.set(key(r), answer),
        keys: async () => [...store.keys()],
        delete: async (r) => store.delete(key(r)),
      };
    },
  };
}

/** The worker, loaded fresh, with `network(url, init)` as its fetch (and `globals`, the
 * server's second line `PRECACHE` say, in its scope). */
function worker(network, globals = {}) {
  const listeners = {};
  const told = [];
  const indexedDB = memoryIndexedDb();
  const context = {
    VERSION: "test",
    self: {
      location: new URL(ORIGIN),
      addEventListener: (type, fn) => (listeners[type] = fn),
      clients: {
        matchAll: async () => [{ postMessage: (m) => told.push(m) }],
        claim: async () => {},
      },
      skipWaiting() {},
    },
    fetch: async (input, init) => network(typeof input === "string" ? input : input.url, init),
    caches: memoryCaches(),
    ...globals,
    indexedDB,
    crypto: globalThis.crypto,
    URL,
    URLSearchParams,
    Response,
    Headers,
    Request,
    Promise,
    setTimeout,
    queueMicrotask,
    structuredClone,
    console,
  };
  vm.createContext(context);
  vm.runInContext(SOURCE, context);
  return { listeners, told, rows: indexedDB.rows, context };
}

/** A form post of the log form, as a browser without JavaScript (or the island) sends it. */
function logPost(fields) {
  const body = new URLSearchParams({
    campaign_id: "7",
    coworker_id: "42",
    client_id: "0190a4f2-0000-7000-8000-000000000001",
    at: "",
    notes: "Night shift, worried about the rota.",
    __return: "/campaigns/7/coworkers/42/log",
    ...fields,
  }).toString();
  return new Request(`${ORIGIN}/api/conversations/log`, {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

/** Dispatches a fetch event for `request` (as a navigation) and waits for all it started. */
async function navigate(w, request) {
  let answer;
  const pending = [];
  const event = {
    request: new Proxy(request, {
      get: (target, key) => (key === "mode" ? "navigate" : Reflect.get(target, key, target)),
    }),
    respondWith: (p) => (answer = p),
    waitUntil: (p) => pending.push(p),
  };
  w.listeners.fetch(event);
  const response = await answer;
  await Promise.all(pending);
  return response;
}

async function message(w, data, source = null) {
  const pending = [];
  w.listeners.message({ data, source, waitUntil: (p) => pending.push(p) });
  await Promise.all(pending);
}

const offline = async () => {
  throw new TypeError("Failed to fetch");
};

test("a post with no signal is kept, timed, and answered with My list marked waiting", async () => {
  const w = worker(offline);
  const before = Date.now();
  const answer = await navigate(w, logPost({}));
  assert.equal(answer.status, 303);
  assert.equal(answer.headers.get("location"), `${ORIGIN}/campaigns/7/my?waiting=1`);
  const [item] = [...w.rows.values()];
  assert.equal(item.key, "0190a4f2-0000-7000-8000-000000000001", "keyed by the client id");
  assert.equal(item.state, "waiting");
  assert.equal(item.what, "A one-on-one", "what it is, never who");
  const at = Date.parse(new URLSearchParams(item.body).get("at"));
  assert.ok(at >= before && at <= Date.now(), "the time it was kept");
  assert.equal(w.told.at(-1).waiting, 1);
  // The same form posted again is one item, not two.
  await navigate(w, logPost({}));
  assert.equal(w.rows.size, 1);
});

test("a time the member gave is kept as given; other posts go back to their page", async () => {
  const w = worker(offline);
  await navigate(w, logPost({ at: "2026-12-06T10:00" }));
  assert.equal(new URLSearchParams([...w.rows.values()][0].body).get("at"), "2026-12-06T10:00");
  const mark = new Request(`${ORIGIN}/api/followups/done`, {
    method: "POST",
    body: "campaign_id=7&conversation_id=9&__return=%2Fcampaigns%2F7%2Fmy",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  const answer = await navigate(w, mark);
  assert.equal(answer.headers.get("location"), `${ORIGIN}/campaigns/7/my?waiting=1`);
  const kept = [...w.rows.values()].find((i) => i.path === "/api/followups/done");
  assert.equal(new URLSearchParams(kept.body).has("at"), false, "no time where none is read");
});

test("a return path off this site goes home instead", async () => {
  const w = worker(offline);
  for (const back of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
    const post = new Request(`${ORIGIN}/api/ratings/set`, {
      method: "POST",
      body: new URLSearchParams({ campaign_id: "7", coworker_id: "42", rating: "4", __return: back }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const answer = await navigate(w, post);
    assert.equal(answer.headers.get("location"), `${ORIGIN}/?waiting=1`, back);
  }
});

test("too large a post, or too many kept, is not kept: the page says no signal", async () => {
  const w = worker(offline);
  const answer = await navigate(w, logPost({ notes: "n".repeat(70 * 1024) }));
  assert.equal(answer.status, 503);
  assert.equal(w.rows.size, 0);
  for (let i = 0; i < 200; i++) {
    w.rows.set(`k${i}`, { key: `k${i}`, state: "waiting", kept: i });
  }
  assert.equal((await navigate(w, logPost({}))).status, 503);
  assert.equal(w.rows.size, 200);
});

test("sending: stored is dropped, refused stays with the server's reason, a failure stops", async () => {
  let answers = [];
  const sent = [];
  const w = worker(async (url, init) => {
    sent.push({ url, init });
    const next = answers.shift();
    if (next === "offline") throw new TypeError("Failed to fetch");
    return next;
  });
  const put = (key, kept) =>
    w.rows.set(key, { key, path: "/api/conversations/log", body: `client_id=${key}`, kept, state: "waiting", reason: "", what: "A one-on-one", back: "/" });
  put("c", 3);
  put("a", 1);
  put("b", 2);
  answers = [
    new Response('{"conversation_id":1,"stored":true}', { status: 200 }),
    new Response('{"Validation":{"field":"at","message":"The time cannot be in the future."}}', { status: 422 }),
    new Response('"Forbidden"', { status: 403 }),
  ];
  await message(w, { type: "flush" });
  assert.deepEqual(
    sent.map((s) => new URLSearchParams(s.init.body).get("client_id")),
    ["a", "b", "c"],
    "oldest first",
  );
  assert.equal(sent[0].init.headers.accept, "application/json", "the server's own checks");
  assert.equal(w.rows.has("a"), false);
  assert.equal(w.rows.get("b").state, "refused");
  assert.equal(w.rows.get("b").reason, "The time cannot be in the future.");
  assert.equal(w.rows.get("c").reason, "You no longer have access to this coworker.");
  assert.equal(w.told.at(-1).waiting, 0);
  assert.equal(w.told.at(-1).items.length, 2, "refused ones stay, to be seen");

  // Refused ones are not sent again; a waiting one meets no signal, then a busy server.
  put("d", 4);
  put("e", 5);
  sent.length = 0;
  answers = ["offline"];
  await message(w, { type: "flush" });
  assert.equal(sent.length, 1, "stops at the first failure of the network");
  assert.equal(w.rows.get("d").state, "waiting");
  answers = [new Response("", { status: 503 })];
  sent.length = 0;
  await message(w, { type: "flush" });
  assert.equal(sent.length, 1);
  assert.equal(w.rows.get("d").state, "waiting", "a busy server: try again later");
  answers = [new Response("", { status: 401 })];
  await message(w, { type: "flush" });
  assert.equal(w.rows.get("d").state, "waiting", "signed out: kept until signed in");

  // A refused one, asked for to be corrected: what was typed, to the page that asked;
  // a waiting one is not handed out (it is still to be sent as it is).
  const asked = [];
  const source = { postMessage: (m) => asked.push(m) };
  await message(w, { type: "correct", key: "b" }, source);
  assert.equal(asked.length, 1);
  assert.equal(asked[0].type, "correct");
  assert.equal(asked[0].key, "b");
  assert.equal(asked[0].path, w.rows.get("b").path);
  assert.equal(asked[0].body, w.rows.get("b").body);
  await message(w, { type: "correct", key: "d" }, source);
  await message(w, { type: "correct", key: "nothing" }, source);
  assert.equal(asked.length, 1, "only a refused one");
  assert.equal(w.rows.get("b").state, "refused", "asking changes nothing");

  await message(w, { type: "discard", key: "b" });
  assert.equal(w.rows.has("b"), false);
});

test("two sends asked at once are one", async () => {
  let release;
  const gate = new Promise((r) => (release = r));
  let sends = 0;
  const w = worker(async () => {
    sends += 1;
    await gate;
    return new Response("null", { status: 200 });
  });
  w.rows.set("x", { key: "x", path: "/api/ratings/set", body: "rating=4", kept: 1, state: "waiting" });
  const first = message(w, { type: "flush" });
  const second = message(w, { type: "flush" });
  await new Promise((r) => setTimeout(r, 10));
  release();
  await Promise.all([first, second]);
  assert.equal(sends, 1);
  assert.equal(w.rows.size, 0);
});

test("posts elsewhere, and posts with signal, are not kept", async () => {
  const w = worker(async () => new Response("", { status: 303, headers: { location: "/x" } }));
  const answer = await navigate(w, logPost({}));
  assert.equal(answer.status, 303);
  assert.equal(w.rows.size, 0);
  const other = new Request(`${ORIGIN}/api/structure/create`, { method: "POST", body: "x=1" });
  let handled = false;
  w.listeners.fetch({
    request: new Proxy(other, { get: (t, k) => (k === "mode" ? "navigate" : Reflect.get(t, k, t)) }),
    respondWith: () => (handled = true),
    waitUntil() {},
  });
  assert.equal(handled, false, "a lead's planning form is never kept");
});

/** A mark on a structure test's page, as its form posts it (one id for the whole page). */
function markPost(fields) {
  return new Request(`${ORIGIN}/api/structure/record`, {
    method: "POST",
    body: new URLSearchParams([
      ["campaign_id", "7"],
      ["test_id", "3"],
      ["client_id", "0190a4f2-0000-7000-8000-00000000000c"],
      ["__return", "/campaigns/7/tests/3"],
      ...fields,
    ]).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

test("marks of different people from one test page are kept apart; the same person's last wins", async () => {
  const w = worker(offline);
  const answer = await navigate(w, markPost([["one", "41:signed"]]));
  assert.equal(answer.headers.get("location"), `${ORIGIN}/campaigns/7/tests/3?waiting=1`);
  await navigate(w, markPost([["one", "42:signed"]]));
  await navigate(w, markPost([["response", "declined"], ["coworker_ids", "44"], ["coworker_ids", "43"]]));
  assert.equal(w.rows.size, 3, "three sends: nobody's mark replaced by another's");
  assert.ok(w.rows.has("0190a4f2-0000-7000-8000-00000000000c:43,44"), "the ticked, in order");
  await navigate(w, markPost([["one", "42:declined"]]));
  assert.equal(w.rows.size, 3);
  const mark = new URLSearchParams(w.rows.get("0190a4f2-0000-7000-8000-00000000000c:42").body);
  assert.equal(mark.get("one"), "42:declined", "a changed mind replaces the unsent mark");
  assert.equal(w.told.at(-1).items.at(-1).what, "A structure test mark");
});

test("installing keeps the build's files; one missing leaves the rest", async () => {
  const fetched = [];
  const w = worker(
    async (url) => {
      fetched.push(new URL(url, ORIGIN).pathname);
      if (url.includes("gone")) return new Response("", { status: 404 });
      return new Response("code", { status: 200 });
    },
    { PRECACHE: ["/pkg/rankfile.1.js", "/pkg/gone.wasm", "/pkg/rankfile.1.wasm"] },
  );
  const pending = [];
  w.listeners.install({ waitUntil: (p) => pending.push(p) });
  await Promise.all(pending);
  assert.deepEqual(fetched, ["/pkg/rankfile.1.js", "/pkg/gone.wasm", "/pkg/rankfile.1.wasm"]);
  const assets = [...w.context.caches.stores.entries()].find(([name]) => name.startsWith("rankfile-assets"))[1];
  assert.deepEqual([...assets.keys()].sort(), ["/pkg/rankfile.1.js", "/pkg/rankfile.1.wasm"]);
});

test("a structure test's page is kept; its tally and other campaign pages are not", async () => {
  const w = worker(async () => new Response("<p>page</p>", { status: 200, headers: { "content-type": "text/html" } }));
  for (const path of ["/campaigns/7/tests/3", "/campaigns/7/tests/3/tally", "/campaigns/7/chart", "/campaigns/7/tests/3?q=ana"]) {
    await navigate(w, new Request(`${ORIGIN}${path}`));
  }
  const pages = [...w.context.caches.stores.entries()].find(([name]) => name.startsWith("rankfile-pages"))[1];
  assert.deepEqual([...pages.keys()], [`${ORIGIN}/campaigns/7/tests/3`]);
});
