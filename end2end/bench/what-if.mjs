#!/usr/bin/env node
// The what-if island's recompute time for a 10,000-person unit on a phone-class CPU.
//
//   cd end2end && node bench/what-if.mjs
//
// Starts the release binary on a fresh data directory seeded with
// `rankfile demo --coworkers 10000` and a lead account (`rankfile user create --lead-of`,
// as playwright.config.ts does for the e2e lead), opens the demo's vote plan as that lead
// in Chromium at 360 px, waits for the island to hydrate, then times one rate change at a
// time: from the `input` event to the frame after the island's "NN% chance of passing"
// changes. Once with no CPU throttling (the baseline) and once at 4x
// (`Emulation.setCPUThrottlingRate`), in the same run; prints a Markdown table.
//
// Environment: RANKFILE_BIN (default ../target/release/rankfile, or $CARGO_TARGET_DIR),
// RANKFILE_CHROMIUM (default /usr/bin/chromium), RANKFILE_BENCH_PORT (default: a free
// port), BENCH_COWORKERS (default 10000), BENCH_RUNS (default 20), BENCH_KEEP=1 keeps the
// data directory.

import { chromium } from "@playwright/test";
import { spawn, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const binary = process.env.RANKFILE_BIN ?? path.join(targetDir, "release", "rankfile");
const chromiumPath = process.env.RANKFILE_CHROMIUM ?? "/usr/bin/chromium";
const coworkers = Number(process.env.BENCH_COWORKERS ?? 10000);
const runs = Number(process.env.BENCH_RUNS ?? 20);
const DEMO_CAMPAIGN = "Mercy General Hospital — nurses and techs";
const DEMO_VOTE_PLAN = "Strike authorization vote";
const EMAIL = "bench-lead@bench.example.org";
/** The 6-digit TOTP code (HMAC-SHA-1, 30 s) of a base32 key for time step `step`. */
function totp(key, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...key.replace(/\s/g, "")].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  const secret = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", secret).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

const PASSWORD = "bench lead password, long enough";

function freePort() {
  if (process.env.RANKFILE_BENCH_PORT) return Promise.resolve(Number(process.env.RANKFILE_BENCH_PORT));
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, child, timeoutMs = 120_000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`rankfile serve exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url} in ${timeoutMs / 1000} s`);
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return { median: s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2, p90: at(0.9), min: s[0], max: s[s.length - 1] };
}

/** One timed rate change, inside the page: set the value, dispatch `input`, wait for the
 * island's chance of passing to change (MutationObserver), then for the next frame. */
function timeOneChange([name, value, timeoutMs]) {
  const island = document.querySelector('leptos-island [data-testid="what-if"]');
  const input = island.querySelector(`input[name="${name}"]`);
  const passText = () => island.querySelector('[data-testid="forecast-pass"]')?.textContent ?? "";
  const before = passText();
  return new Promise((resolve) => {
    let done = false;
    const observer = new MutationObserver(() => {
      if (done || passText() === before) return;
      done = true;
      observer.disconnect();
      requestAnimationFrame(() => resolve({ ms: performance.now() - t0, before, after: passText() }));
    });
    observer.observe(island, { subtree: true, childList: true, characterData: true });
    setTimeout(() => {
      if (done) return;
      done = true;
      observer.disconnect();
      resolve({ ms: null, before, after: passText() });
    }, timeoutMs);
    const t0 = performance.now();
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

/** Sets a rate without timing it, and waits until the island has settled. */
async function setRate(page, name, value) {
  await page.evaluate(
    ([n, v]) =>
      new Promise((resolve) => {
        const input = document.querySelector(`leptos-island [data-testid="what-if"] input[name="${n}"]`);
        input.value = v;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        requestAnimationFrame(() => requestAnimationFrame(resolve));
      }),
    [name, value],
  );
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "rankfile-bench-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    RANKFILE_ADDR: `127.0.0.1:${port}`,
    RANKFILE_DATA_DIR: dataDir,
    RANKFILE_SITE_ROOT: path.join(root, "target", "site"),
    RANKFILE_LOG: "warn",
  };
  let server;
  let browser;
  try {
    const t = Date.now();
    execFileSync(binary, ["demo", "--coworkers", String(coworkers)], { env, stdio: ["ignore", "ignore", "inherit"] });
    execFileSync(binary, ["user", "create", "--email", EMAIL, "--lead-of", DEMO_CAMPAIGN], {
      env,
      input: `${PASSWORD}\n`,
      stdio: ["pipe", "ignore", "inherit"],
    });
    console.error(`seeded ${coworkers} coworkers in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    server = spawn(binary, ["serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
    await waitForServer(`${baseURL}/healthz`, server);

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({
      baseURL,
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2.75,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);

    // Sign in as the lead, as a person would, and open the demo vote plan.
    await page.goto("/login");
    await page.getByLabel("E-mail").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    // A lead sets up the second factor at the first sign-in: the key the page shows,
    // the code an app would show for it (RFC 6238).
    await page.getByRole("button", { name: "Set up a second factor" }).click();
    const key = await page.getByTestId("totp-secret").textContent();
    await page.getByLabel("6-digit code").fill(totp(key, Math.floor(Date.now() / 30_000)));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByTestId("second-factor-state").filter({ hasText: "On." }).waitFor();
    await page.goto("/");
    await page.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
    await page.getByRole("link", { name: DEMO_CAMPAIGN }).click();
    await page.getByRole("link", { name: "Strike vote planning" }).click();
    const t0 = Date.now();
    await page.getByTestId("vote-plans").getByRole("link", { name: DEMO_VOTE_PLAN }).first().click();
    await page.waitForFunction(
      () => document.querySelector('leptos-island [data-testid="what-if"]')?.closest("leptos-island")?.dataset.hydrated === "true",
      null,
      { timeout: 120_000 },
    );
    const loadMs = Date.now() - t0;
    const people = await page
      .locator('leptos-island [data-testid="what-if"] dt', { hasText: "People in the scope" })
      .locator("xpath=following-sibling::dd")
      .textContent();

    // A scenario whose chance of passing turns on one rate: everyone turns out and 75%
    // of every level votes yes, on a 75% rule; then the undecided's yes rate swings
    // between 100 and 0, flipping the chance of passing every time.
    for (let l = 0; l < 6; l++) {
      await setRate(page, `turnout[${l}]`, "100");
      await setRate(page, `yes[${l}]`, "75");
    }
    await setRate(page, "yes[2]", "0");

    const cdp = await context.newCDPSession(page);
    const results = [];
    for (const rate of [1, 4]) {
      await cdp.send("Emulation.setCPUThrottlingRate", { rate });
      // Two untimed changes first (warm-up).
      for (const v of ["100", "0"]) await page.evaluate(timeOneChange, ["yes[2]", v, 30_000]);
      const times = [];
      const seen = new Set();
      for (let i = 0; i < runs; i++) {
        const r = await page.evaluate(timeOneChange, ["yes[2]", i % 2 === 0 ? "100" : "0", 30_000]);
        if (r.ms === null) throw new Error(`the chance of passing did not change (${r.before} → ${r.after})`);
        seen.add(r.after);
        times.push(r.ms);
      }
      results.push({ rate, ...stats(times), seen: [...seen].join(" / ") });
    }
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });

    const cpu = execFileSync("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2; nproc"], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((s) => s.trim());
    const fmt = (x) => x.toFixed(1);
    console.log(`### What-if recompute, ${people?.trim()} people in the scope (demo --coworkers ${coworkers}), 360 px, ${runs} changes each`);
    console.log("");
    console.log("| CPU | median (ms) | p90 (ms) | min (ms) | max (ms) |");
    console.log("|---|---:|---:|---:|---:|");
    for (const r of results) {
      console.log(`| ${r.rate === 1 ? "no throttling (baseline)" : `${r.rate}x throttled (phone-class)`} | ${fmt(r.median)} | ${fmt(r.p90)} | ${fmt(r.min)} | ${fmt(r.max)} |`);
    }
    console.log("");
    console.log(`From the \`input\` event to the frame after the island's chance of passing changed (${results[0].seen}).`);
    console.log(`Machine: ${cpu[0]}, ${cpu[1]} cores; Chromium ${browser.version()}. Forecast page to hydrated island (unthrottled): ${loadMs} ms.`);
  } finally {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => {
        const hard = setTimeout(() => server.kill("SIGKILL"), 10_000);
        server.once("exit", () => { clearTimeout(hard); r(); });
      });
    }
    if (!process.env.BENCH_KEEP) rmSync(dataDir, { recursive: true, force: true });
    else console.error(`data kept in ${dataDir}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
