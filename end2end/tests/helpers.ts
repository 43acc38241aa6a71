import { BrowserContext, expect, Locator, Page, TestInfo, test } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LEAD_EMAIL, LEAD_PASSWORD } from "../playwright.config";

export { LEAD_EMAIL, LEAD_PASSWORD };

/** True in the project that runs with JavaScript disabled. */
export function noJs(): boolean {
  const info: TestInfo = test.info();
  return info.project.use.javaScriptEnabled === false;
}

/**
 * Waits until the page's WebAssembly has loaded and every island on it has hydrated
 * (each marks its own `<leptos-island>`); returns at once when JavaScript is off or the
 * page has no island.
 * Everything outside an island is plain HTML: it works the same either way.
 */
export async function waitForHydration(page: Page) {
  if (noJs()) return;
  // A page without an island loads no WebAssembly at all: nothing to wait for.
  await page.waitForFunction(
    () => {
      const islands = Array.from(document.querySelectorAll("leptos-island"));
      return (
        islands.length === 0 ||
        (document.body.dataset.hydrated === "true" &&
          islands.every((island) => (island as HTMLElement).dataset.hydrated === "true"))
      );
    },
    null,
    { timeout: 15_000 },
  );
}

/**
 * The code an authenticator app shows (RFC 6238: HMAC-SHA-1, 6 digits, 30 s) for time
 * step `step`, from the key as the account page shows it (base32, in groups).
 */
export function totpCode(key: string, step: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of key.replace(/[\s=]/g, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const secret = Buffer.from(
    Array.from({ length: Math.floor(bits.length / 8) }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2)),
  );
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

/** The current TOTP time step. */
export function nowStep(): number {
  return Math.floor(Date.now() / 1000 / 30);
}

/**
 * A member's phone for the run: their key, and the last step whose code was used (the
 * server takes each step once, and one step ahead at most). Kept in the run's data
 * folder, which the server's fresh database shares (playwright.config.ts).
 */
type Phone = { key: string; lastStep: number };
const phones = path.join(__dirname, "..", ".data", "phones.json");
function readPhones(): Record<string, Phone> {
  try {
    return JSON.parse(fs.readFileSync(phones, "utf8"));
  } catch {
    return {};
  }
}
export function savePhone(email: string, phone: Phone) {
  fs.writeFileSync(phones, JSON.stringify({ ...readPhones(), [email]: phone }));
}
export function hasPhone(email: string): boolean {
  return email in readPhones();
}

/** The next code the server accepts for `email`'s phone (waiting for the clock if needed). */
export async function nextCode(email: string): Promise<string> {
  for (;;) {
    const phone = readPhones()[email];
    if (!phone) throw new Error(`${email} has no phone in this run`);
    const step = Math.max(phone.lastStep + 1, nowStep());
    if (step <= nowStep() + 1) {
      savePhone(email, { ...phone, lastStep: step });
      return totpCode(phone.key, step);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Sets up the second factor on the account page, as a member with a phone would: start,
 * read the key the page shows (where the phone would scan the QR code), type the code.
 */
export async function setUpSecondFactor(page: Page, email: string) {
  await page.goto("/account");
  await submit(page, page.getByRole("button", { name: "Set up a second factor" }));
  const key = (await page.getByTestId("totp-secret").textContent()) ?? "";
  savePhone(email, { key, lastStep: 0 });
  await page.getByLabel("6-digit code").fill(await nextCode(email));
  await submit(page, page.getByRole("button", { name: "Turn on" }));
  await expect(page.getByTestId("second-factor-state")).toContainText("On.");
}

/**
 * The lead's session, kept for a few minutes: a phone shows one code per 30 s and the
 * server takes each once, so the suite signs the lead in with a code once in a while
 * and gives each test's fresh browser that session's cookies. Younger than the access
 * token (15 min), so no test renews it under another's feet.
 */
let leadSession: { cookies: Awaited<ReturnType<BrowserContext["cookies"]>>; at: number } | null =
  null;
const KEEP_SESSION_MS = 8 * 60_000;

/** Signs in through the sign-in page, as a person would (the code step too, for an
 * account with a second factor; the lead sets one up the first time). */
export async function signIn(page: Page, email = LEAD_EMAIL, password = LEAD_PASSWORD) {
  if (email === LEAD_EMAIL && leadSession && Date.now() - leadSession.at < KEEP_SESSION_MS) {
    await page.context().addCookies(leadSession.cookies);
    await page.goto("/");
    if (!new URL(page.url()).pathname.startsWith("/login")) {
      await expect(page.getByRole("heading", { name: "Campaigns", level: 1 })).toBeVisible();
      await waitForHydration(page);
      return;
    }
    // Signed out since (a test of signing out): sign in again.
    await page.context().clearCookies();
  }
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login$/);
  if (new URL(page.url()).pathname === "/login/code") {
    await page.getByLabel("Code from your authenticator app").fill(await nextCode(email));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).not.toHaveURL(/\/login/);
  } else if (email === LEAD_EMAIL && new URL(page.url()).pathname === "/account") {
    // The lead's first sign-in of the run: campaigns need the second factor.
    await setUpSecondFactor(page, email);
  }
  // A member of one campaign lands in it (an organizer on My list); the tests start
  // from the list of campaigns.
  if (new URL(page.url()).pathname !== "/") await page.goto("/");
  await expect(page.getByRole("heading", { name: "Campaigns", level: 1 })).toBeVisible();
  await waitForHydration(page);
  if (email === LEAD_EMAIL) leadSession = { cookies: await page.context().cookies(), at: Date.now() };
}

/**
 * Clicks a submit button and waits until what it started has finished. A form inside
 * a hydrated island sends its server function itself: wait for the answer. Any other
 * form (and every form without JavaScript) is posted by the browser: wait for the
 * navigation (a reload right after the click would race it: "Not attached to an
 * active page").
 */
export async function submit(page: Page, button: Locator) {
  const inIsland = !noJs() && (await button.evaluate((b) => b.closest("leptos-island") !== null));
  if (inIsland) {
    await Promise.all([
      page.waitForResponse((r) => r.url().includes("/api/") && r.request().method() === "POST"),
      button.click(),
    ]);
  } else {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
  }
}

let counter = 0;
/** Names unique within a run, so tests sharing one database do not see each other. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base} ${Date.now().toString(36)}-${counter}`;
}

/** A lead's invite link for a new member of the E2E campaign, made on its members page. */
export async function inviteLink(page: Page, role: "organizer" | "viewer" | "lead" = "organizer") {
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Members and invites" }).click();
  await waitForHydration(page);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Create invite link" }).click();
  return (await page.getByTestId("invite-link").textContent())!.trim();
}

/**
 * Accepts an invite as a newcomer, as a person would: on the invite page, create the
 * account; sign in on the page it leads to; back on the invite page, join. Ends on the
 * campaign's page.
 */
export async function acceptInvite(page: Page, link: string, email: string, password: string) {
  const invitePath = new URL(link).pathname;
  await page.goto(invitePath);
  await waitForHydration(page);
  await page.getByLabel("Your e-mail").fill(email);
  await page.getByLabel(/Choose a password/).fill(password);
  await page.getByRole("button", { name: "Create your account" }).click();
  await expect(page.getByTestId("sign-in-to-join")).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${invitePath}$`));
  await waitForHydration(page);
  await page.getByRole("button", { name: /^Join .* as / }).click();
  await expect(page).toHaveURL(/\/campaigns\/\d+$/);
}

/** A new area on the map page (its form); its number, as the area list shows it. */
export async function addArea(page: Page, name: string): Promise<string> {
  await page.getByLabel(/^New area/).fill(name);
  await page.getByRole("button", { name: "Add area" }).click();
  const item = page.getByTestId("area-list").locator("summary", { hasText: name });
  await expect(item).toBeVisible();
  return (await item.textContent())!.match(/#(\d+)/)![1];
}

/** What `liveStructureTest` made: the test's page, its title, its area and people. */
export interface LiveTest {
  url: string;
  title: string;
  area: string;
  people: string[];
}

/**
 * Signs in as the lead, adds a new area with `count` new coworkers in it, plans a
 * majority petition scoped to that area and opens it. Ends on the live test's page.
 */
export async function liveStructureTest(page: Page, count: number): Promise<LiveTest> {
  await signIn(page);
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Workplace map" }).click();
  const area = uniqueName("Test floor");
  await addArea(page, area);
  await page.goto(page.url().replace(/\/map$/, "/coworkers"));
  const people: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = uniqueName("Tester");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Area", { exact: true }).selectOption({ label: area });
    await page.getByRole("button", { name: "Add coworker" }).click();
    await expect(page.getByTestId("coworker-list").getByText(name)).toBeVisible();
    people.push(name);
  }
  await page.goto(page.url().replace(/\/coworkers$/, ""));
  await page.getByRole("link", { name: "Structure tests" }).click();
  const title = uniqueName("Petition");
  const plan = page.getByTestId("test-plan-form");
  await plan.getByLabel("Kind").selectOption({ label: "Majority petition" });
  await plan.getByLabel("Title").fill(title);
  await plan.getByLabel("What people are asked to do").fill("Sign for a safe staffing ratio.");
  await plan.getByRole("checkbox", { name: area, exact: true }).check();
  await submit(page, plan.getByRole("button", { name: "Plan it" }));
  await expect(page).toHaveURL(/\/tests\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByTestId("test-status")).toContainText("Planned");
  await submit(page, page.getByRole("button", { name: "Open it now" }));
  await expect(page.getByTestId("test-status")).toContainText("Live since");
  await expect(page.getByTestId("mark-row")).toHaveCount(count);
  return { url: new URL(page.url()).pathname, title, area, people };
}

// ---------------------------------------------------------------------------------------
// Strike vote planning (votes.spec.ts).

/** The demo campaign `rankfile demo` seeds (server/src/demo.rs, `DEMO_CAMPAIGN`). */
export const DEMO_CAMPAIGN = "Mercy General Hospital — nurses and techs";
/** The demo's vote plan. */
export const DEMO_VOTE_PLAN = "Strike authorization vote";

/** The binary and data directory the e2e server runs with (as playwright.config.ts). */
export function e2eServer() {
  const root = path.resolve(__dirname, "..", "..");
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
  return {
    binary: process.env.RANKFILE_BIN ?? path.join(targetDir, "release", "rankfile"),
    env: {
      ...process.env,
      RANKFILE_DATA_DIR: path.resolve(__dirname, "..", ".data"),
      RANKFILE_SITE_ROOT: path.join(root, "target", "site"),
      RANKFILE_LOG: "warn",
    },
  };
}

/**
 * Makes sure the e2e database holds the demo campaign and that the e2e lead leads it,
 * the way a deployment does it: `rankfile demo` (with `--force`: the database already
 * has the E2E campaign), then `rankfile user create --lead-of` for the existing
 * account. Runs against the running server's data directory; idempotent.
 */
export function ensureDemoCampaign() {
  const { binary, env } = e2eServer();
  // Without --force it adds nothing, and prints a lead invite only if the demo exists.
  const probe = execFileSync(binary, ["demo"], { env, encoding: "utf8" });
  if (!probe.includes("/invite/")) {
    execFileSync(binary, ["demo", "--force"], { env, encoding: "utf8", timeout: 120_000 });
  }
  execFileSync(binary, ["user", "create", "--email", LEAD_EMAIL, "--lead-of", DEMO_CAMPAIGN], {
    env,
    input: `${LEAD_PASSWORD}\n`,
    encoding: "utf8",
  });
}

/** Signs in as the lead and opens the demo campaign's "Strike vote planning". */
export async function openVotePlans(page: Page) {
  await signIn(page);
  await page.getByRole("link", { name: DEMO_CAMPAIGN }).click();
  await page.getByRole("link", { name: "Strike vote planning" }).click();
  await expect(page).toHaveURL(/\/campaigns\/\d+\/votes$/);
  await waitForHydration(page);
}

/** Signs in as the lead and opens the demo vote plan's forecast page. */
export async function openDemoVotePlan(page: Page) {
  await openVotePlans(page);
  await page.getByTestId("vote-plans").getByRole("link", { name: DEMO_VOTE_PLAN }).first().click();
  await expect(page).toHaveURL(/\/campaigns\/\d+\/votes\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(DEMO_VOTE_PLAN);
  await waitForHydration(page);
}

/** No sideways scroll: the page is no wider than the viewport. */
export async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

/** What sticks out at a desktop's width: a table box that scrolls sideways, a table wider
 * than its box, a form wider than itself, a field outside its form. Empty when all fit. */
export async function outOfTheirBox(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (e: Element) =>
      `${e.tagName.toLowerCase()}${e.getAttribute("data-testid") ? `[data-testid=${e.getAttribute("data-testid")}]` : ""}`;
    for (const wrap of Array.from(document.querySelectorAll(".table-wrap"))) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        out.push(`${name(wrap.querySelector("table") ?? wrap)}: ${wrap.scrollWidth} > ${wrap.clientWidth}`);
      }
    }
    for (const table of Array.from(document.querySelectorAll("table"))) {
      const box = table.getBoundingClientRect();
      const parent = (table.closest(".table-wrap") ?? table.parentElement)!.getBoundingClientRect();
      if (box.right > parent.right + 1) out.push(`${name(table)} sticks out of its box by ${box.right - parent.right}px`);
    }
    for (const form of Array.from(document.querySelectorAll("form"))) {
      if (form.scrollWidth > form.clientWidth + 1) out.push(`${name(form)}: ${form.scrollWidth} > ${form.clientWidth}`);
      const fbox = form.getBoundingClientRect();
      for (const field of Array.from(form.querySelectorAll("input:not([type=hidden]), select, textarea, button"))) {
        const b = field.getBoundingClientRect();
        if (b.width > 0 && (b.right > fbox.right + 1 || b.left < fbox.left - 1)) {
          out.push(`${name(form)} ${field.tagName.toLowerCase()}[name=${field.getAttribute("name")}] outside the form`);
        }
      }
    }
    return out;
  });
}

/** axe with the project's tags (as desktop.spec.ts): no violation.
 *
 * axe runs in the page and waits on its own timers, which never fire with JavaScript
 * off (its evaluate hangs until the test's timeout). Without JavaScript it reads the
 * same address, signed in as the page is, in a context whose engine runs but where the
 * app's own scripts and WASM are refused: the markup a phone without JavaScript gets. */
export async function expectAxeClean(page: Page) {
  let target = page;
  let done = async () => {};
  if (noJs()) {
    const browser = page.context().browser()!;
    const context = await browser.newContext({
      storageState: await page.context().storageState(),
      viewport: page.viewportSize(),
      javaScriptEnabled: true,
    });
    await context.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    target = await context.newPage();
    await target.goto(page.url());
    done = () => context.close();
  }
  try {
    const results = await new AxeBuilder({ page: target })
      .withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"])
      .analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);
  } finally {
    await done();
  }
}

/**
 * A campaign of the test's own, made by the signed-in lead on the campaigns page. The
 * chart and the heat map show everything in their campaign, and the shared E2E campaign
 * grows with every test and every repeat: with `--repeat-each=5` two desktop tests
 * slowed each pass until they timed out, and the chart's chip was clicked while the
 * long chart was still laying out its rows. Ends on the campaigns page; returns its name.
 */
export async function ownCampaign(page: Page, base: string): Promise<string> {
  const name = uniqueName(base);
  await page.getByLabel("Campaign name").fill(name);
  await page.getByRole("button", { name: "Create campaign" }).click();
  await expect(page.getByTestId("campaign-list").getByRole("link", { name, exact: true })).toBeVisible();
  return name;
}

/** A control a thumb can hit: at least the stylesheet's `--tap` (48 px) tall. A date
 * field had no rule of its own and stood 30 px tall on a phone. */
export async function expectThumbSized(control: Locator) {
  const box = await control.boundingBox();
  expect(box, "the control is on the page").not.toBeNull();
  expect(box!.height).toBeGreaterThanOrEqual(48);
}

/**
 * Adds a coworker on the campaign's Coworkers page, as a lead does, and opens their page
 * from the chart; returns their name.
 */
export async function addCoworkerAndOpen(page: Page, base = "Marta"): Promise<string> {
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Coworkers", exact: true }).click();
  await waitForHydration(page);
  const name = uniqueName(base);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add coworker" }).click();
  await expect(page.getByTestId("coworker-list").getByText(name)).toBeVisible();
  await page.goto(page.url().replace(/\/coworkers(\?.*)?$/, "/chart"));
  await waitForHydration(page);
  // The chart has no island, so wait for the coworker's page itself. On a loaded machine
  // a click on the long chart (its rows laid out as they scroll into view) sometimes
  // focuses the link without following it: click again until the page is there.
  const coworkerPage = /\/coworkers\/\d+(\?|$)/;
  await expect(async () => {
    if (!coworkerPage.test(page.url())) {
      await page.getByRole("link", { name: new RegExp(name) }).click({ timeout: 5_000 });
    }
    await expect(page).toHaveURL(coworkerPage, { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  await waitForHydration(page);
  return name;
}

/** A coworker assigned to the signed-in lead, so they appear on the lead's My list. */
export async function assignedCoworker(page: Page): Promise<string> {
  const name = await addCoworkerAndOpen(page);
  const form = page.getByTestId("coworker-edit");
  await form.getByLabel("Assigned organizer").selectOption({ label: LEAD_EMAIL });
  await submit(page, form.getByRole("button", { name: "Save" }));
  // Without an island the save is a plain post: it comes back to the page, saying so.
  await expect(page.getByText("Saved.")).toBeVisible();
  await page.reload();
  await expect(form.getByLabel("Assigned organizer")).toHaveValue(/\d+/);
  return name;
}

/** How many coworker pages (and log forms) the worker keeps, read from the page. */
export async function keptPages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith("rankfile-pages-")) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths.sort();
  });
}

/**
 * Signs in, makes a coworker assigned to the lead, and opens My list until the worker
 * keeps it with the coworker's page and log form: the organizer's working set.
 */
export async function workingSetKept(page: Page): Promise<{ name: string; coworker: string; my: string }> {
  await signIn(page);
  const name = await assignedCoworker(page);
  const coworker = new URL(page.url()).pathname.replace(/\?.*$/, "");
  const my = await keepWorkingSet(page, coworker);
  return { name, coworker, my };
}

/** Opens My list until the worker keeps it with `coworker`'s page and log form; its path. */
export async function keepWorkingSet(page: Page, coworker: string): Promise<string> {
  const my = coworker.replace(/\/coworkers\/\d+$/, "/my");
  await page.goto(my);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first load was the server's alone; from now on the worker sees each page.
  await page.reload();
  await expect
    .poll(() => keptPages(page), { timeout: 15_000 })
    .toEqual(expect.arrayContaining([my, coworker, `${coworker}/log`, "/outbox"]));
  return my;
}

/**
 * Rates `coworker` 4 with no signal, with a note the server refuses (too long), and
 * comes back online: the rating waits on the phone, to be refused when it is sent.
 */
export async function keptRefusedRating(page: Page, context: BrowserContext, coworker: string) {
  await context.setOffline(true);
  await page.goto(coworker);
  const form = page.getByTestId("rate-form");
  await form.getByLabel("4 · ").check();
  await form.getByLabel("Note").fill(`Too long: ${"n".repeat(1000)}`);
  await form.getByRole("button", { name: "Save rating" }).click();
  await expect(page.getByTestId("kept-notice")).toBeVisible();
  await context.setOffline(false);
}
