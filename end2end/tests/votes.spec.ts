import { test, expect, Locator, Page, ConsoleMessage, Request } from "@playwright/test";
import {
  LEAD_EMAIL,
  ensureDemoCampaign,
  expectAxeClean,
  outOfTheirBox,
  expectThumbSized,
  expectNoSidewaysScroll,
  noJs,
  openDemoVotePlan,
  openVotePlans,
  submit,
  uniqueName,
  waitForHydration,
} from "./helpers";

/** Votes are planned near today: a date more than two years out is refused. */
const NEXT_YEAR = new Date().getFullYear() + 1;

// Mock strike vote planning: the plans list, a plan's forecast page with the what-if
// island, and its polling places. At 360 px hydrated and without JavaScript; the desktop
// checks at 1280 px run in the hydrated project (the "desktop" project only runs
// desktop.spec.ts).
//
// These pages are read on the demo campaign (600 coworkers, the "Strike authorization
// vote" with two polling places): the e2e server starts without it, so it is seeded
// into the running server's database once, as a deployment does (`rankfile demo`,
// `rankfile user create --lead-of`).

test.beforeAll(() => {
  // Seeding 600 coworkers and twelve weeks of history, on a busy machine.
  test.setTimeout(180_000);
  ensureDemoCampaign();
});

/** The what-if form (server-rendered; its result is the island). */
function whatIf(page: Page): Locator {
  return page.getByTestId("what-if");
}

/** The saved forecast, server-computed (outside the island). */
function savedSection(page: Page): Locator {
  return page.locator("section:has(> #saved-heading)");
}

/** A forecast headline's four figures, as text. */
async function headline(scope: Locator) {
  const text = async (id: string) => ((await scope.getByTestId(id).textContent()) ?? "").trim();
  return {
    pass: await text("forecast-pass"),
    share: await text("forecast-share"),
    interval: await text("forecast-interval"),
    turnout: await text("forecast-turnout"),
  };
}

/** The island's whole forecast (headline and both tables), to see it change. */
async function islandForecast(island: Locator): Promise<string> {
  return ((await island.getByTestId("forecast").textContent()) ?? "").trim();
}

/** Waits until the what-if's result answers the figures as they are now (the island
 * marks it busy from the first change to the newest answer). */
async function settled(page: Page): Promise<void> {
  await expect(page.locator(".what-if-result")).toHaveAttribute("aria-busy", "false");
}

/** Requests to the scenario endpoint, as the page makes them. */
function watchScenarioPosts(page: Page): Request[] {
  const seen: Request[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/votes/scenario")) seen.push(r);
  });
  return seen;
}

/** Collects what the browser says about refused styles or scripts (our CSP). */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (msg: ConsoleMessage) => {
    const text = msg.text();
    if (msg.type() === "error" || /Content Security Policy|Refused to/.test(text)) problems.push(text);
  });
  return problems;
}

async function uncoveredCount(page: Page): Promise<number> {
  const text = await page.getByTestId("uncovered").locator("strong").textContent();
  return Number(text!.trim());
}

/** From the forecast page to its polling places. */
async function openPlanPage(page: Page) {
  await page.getByRole("link", { name: /^Where and when people vote \(\d+ polling places?\)$/ }).click();
  await expect(page).toHaveURL(/\/votes\/\d+\/plan$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Where and when people vote");
}

/**
 * No sideways scroll at this width (`scrollWidth <= clientWidth`). Soft: the test goes on
 * to check the rest, and the failure names what sticks out (outside any scroll box).
 */
async function expectNoSideways(page: Page, where: string) {
  const found = await page.evaluate(() => {
    const root = document.documentElement;
    const vw = root.clientWidth;
    const clipped = (e: Element) => {
      for (let p = e.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible") return true;
      }
      return false;
    };
    const culprits: string[] = [];
    for (const e of Array.from(document.querySelectorAll("main *"))) {
      if (e.children.length > 0) continue;
      const b = e.getBoundingClientRect();
      const right = Math.max(b.right, b.left + e.scrollWidth);
      if (right > vw + 0.5 && !clipped(e)) {
        const id = e.closest("[data-testid]")?.getAttribute("data-testid");
        culprits.push(`${e.tagName.toLowerCase()}${id ? ` in [data-testid=${id}]` : ""} "${(e.textContent ?? "").trim().slice(0, 50)}" to ${Math.round(right)}px`);
      }
    }
    return { overflow: root.scrollWidth - vw, culprits: culprits.slice(0, 8) };
  });
  expect.soft(found.overflow, `${where} scrolls sideways by ${found.overflow}px: ${found.culprits.join("; ")}`).toBeLessThanOrEqual(0);
}

// ---------------------------------------------------------------------------------------
// 1. The what-if, hydrated.

test("the what-if follows as the lead types, saves nothing until asked, then saves what it showed", async ({ page }) => {
  test.skip(noJs(), "the what-if follows the figures only when hydrated");
  test.slow();
  const scenarioPosts = watchScenarioPosts(page);
  await openDemoVotePlan(page);
  await expect(whatIf(page).locator("leptos-island")).toHaveAttribute(
    "data-hydrated",
    "true",
  );
  const island = whatIf(page);
  const url = page.url();
  let navigations = 0;
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) navigations += 1;
  });

  // The island starts from the newest saved scenario, and each run of this test saves
  // one with another move of 100 undecided: clear the moves, so a repeat (E2E_REPEAT)
  // starts where the first run did instead of with the undecided already used up.
  const moveRows = island.locator(".move-row");
  for (let i = 0; i < (await moveRows.count()); i++) {
    const howMany = moveRows.nth(i).getByLabel("How many");
    if ((await howMany.inputValue()) !== "") await howMany.fill("");
  }
  await settled(page);
  await expect(island.getByTestId("forecast-pass")).toHaveCount(1);

  const first = await headline(island);
  expect(first.pass).toMatch(/^\d+% chance of passing$/);
  const firstAll = await islandForecast(island);

  // A rate changed: the forecast follows (the server's answer), with no page load and
  // nothing saved.
  const yes = island.getByLabel("Yes when voting, 3 · undecided", { exact: true });
  const was = await yes.inputValue();
  const typed = was === "95" ? "20" : "95";
  await yes.fill(typed);
  await settled(page);
  await expect.poll(() => islandForecast(island)).not.toBe(firstAll);
  const afterRate = await headline(island);
  expect(afterRate.share).not.toBe(first.share);
  expect(page.url()).toBe(url);

  // A move: 100 of the undecided talked round to leaders.
  const rows = island.locator(".move-row");
  await expect(rows).toHaveCount(6);
  let row: Locator | undefined;
  for (let i = 0; i < 6; i++) {
    if ((await rows.nth(i).getByLabel("How many").inputValue()) === "") {
      row = rows.nth(i);
      break;
    }
  }
  expect(row, "an empty move row").toBeDefined();
  const beforeMoveAll = await islandForecast(island);
  await row!.getByLabel("How many").fill("100");
  await row!.getByLabel("from", { exact: true }).selectOption({ label: "3 · undecided" });
  await row!.getByLabel("to", { exact: true }).selectOption({ label: "1 · leader" });
  await row!.getByLabel("in", { exact: true }).selectOption({ label: "Anywhere in the scope" });
  await settled(page);
  await expect.poll(() => islandForecast(island)).not.toBe(beforeMoveAll);
  const afterMove = await headline(island);
  expect(afterMove.share).not.toBe(afterRate.share);
  expect(page.url()).toBe(url);

  // A rate that is not a percent: said in words, no forecast, nothing saved.
  await yes.fill("150");
  await settled(page);
  await expect(island.getByText("Yes for 3 · undecided: give a whole percent from 0 to 100.")).toBeVisible();
  await expect(island.getByText("Correct the figures to see the forecast.")).toBeVisible();
  await expect(island.getByTestId("forecast-pass")).toHaveCount(0);
  // Back to a good figure: the forecast it showed before comes back.
  await yes.fill(typed);
  await settled(page);
  await expect(island.getByTestId("forecast-pass")).toHaveText(afterMove.pass);
  const shown = await headline(island);
  expect(shown).toEqual(afterMove);
  expect(page.url()).toBe(url);
  expect(navigations).toBe(0);
  expect(scenarioPosts.map((r) => r.url())).toEqual([]);

  // Named and saved: a plain post that comes back to the plan showing that scenario,
  // its headline (server-computed) the one the island showed.
  const name = uniqueName("Undecided won over");
  await island.getByLabel("Save as (a name for this scenario)").fill(name);
  await Promise.all([
    page.waitForURL(/\/votes\/\d+\?scenario=\d+$/),
    island.getByRole("button", { name: "Save the scenario" }).click(),
  ]);
  expect(scenarioPosts.length).toBe(1);
  expect(scenarioPosts[0].method()).toBe("POST");
  await expect(page.getByTestId("scenario-name")).toHaveText(`Scenario: ${name}`);
  expect(await headline(savedSection(page))).toEqual(shown);
  await waitForHydration(page);
  // The island starts from the saved scenario.
  await expect(whatIf(page).getByLabel("Yes when voting, 3 · undecided", { exact: true })).toHaveValue(typed);
  expect(await headline(whatIf(page))).toEqual(shown);
  await expectNoSideways(page, "the forecast page");
});

// ---------------------------------------------------------------------------------------
// 2. The same form without JavaScript: posted.

test("without JavaScript the forecast page shows the saved forecast and saves a scenario by a post", async ({ page }) => {
  test.skip(!noJs(), "the hydrated what-if is the test above");
  await openDemoVotePlan(page);
  const saved = savedSection(page);
  await expect(saved.getByTestId("forecast-pass")).toBeVisible();
  await expect(saved.getByTestId("forecast-pass")).toHaveText(/^\d+% chance of passing$/);
  await expect(page.getByTestId("vote-rule")).toHaveText("Yes from 75% of everyone in the scope");

  const form = page.getByTestId("what-if");
  const yes = form.getByLabel("Yes when voting, 2 · supporter", { exact: true });
  const typed = (await yes.inputValue()) === "80" ? "85" : "80";
  await yes.fill(typed);
  const name = uniqueName("Supporters hold");
  await form.getByLabel("Save as (a name for this scenario)").fill(name);
  await submit(page, form.getByRole("button", { name: "Save the scenario" }));
  await expect(page).toHaveURL(/\/votes\/\d+\?scenario=\d+$/);
  await expect(page.getByTestId("scenario-name")).toHaveText(`Scenario: ${name}`);
  await expect(saved.getByTestId("forecast-pass")).toHaveText(/^\d+% chance of passing$/);
  await expect(page.getByTestId("what-if").getByLabel("Yes when voting, 2 · supporter", { exact: true })).toHaveValue(typed);

  // A figure that is not a percent: the page comes back saying so, and saves nothing.
  const again = page.getByTestId("what-if");
  await again.getByLabel("Yes when voting, 2 · supporter", { exact: true }).fill("150");
  const bad = uniqueName("Not a percent");
  await again.getByLabel("Save as (a name for this scenario)").fill(bad);
  await submit(page, again.getByRole("button", { name: "Save the scenario" }));
  const message = "Yes for 2 · supporter: give a whole percent from 0 to 100.";
  await expect(page.getByText(message).first()).toBeVisible();
  // Next to the field it is about, as the hydrated island says it (#what-if-yes-error).
  await expect.soft(page.getByTestId("what-if").locator("#what-if-yes-error"), "the error under the what-if's rates").toHaveText(message);
  await expect(page.getByTestId("scenario-name")).not.toContainText(bad);
  await expect(page.getByTestId("scenarios").getByText(bad)).toHaveCount(0);
  await expectNoSideways(page, "the forecast page");
});

// ---------------------------------------------------------------------------------------
// 3. Polling places (both projects).

test("a polling place for one area and shift gives its people a way to vote; removing it takes it back", async ({ page }) => {
  test.slow();
  await openVotePlans(page);
  await expectNoSideways(page, "the vote plans page");
  await page.getByTestId("vote-plans").getByRole("link", { name: "Strike authorization vote" }).first().click();
  await waitForHydration(page);
  await expectNoSideways(page, "the forecast page");
  await openPlanPage(page);
  await expectNoSideways(page, "the polling places page");
  await expect(page.getByTestId("places")).toBeVisible();

  const before = await uncoveredCount(page);
  expect(before).toBeGreaterThan(0);
  // An area and shift nobody can vote in yet, as the page lists them.
  const form = page.getByTestId("place-form");
  const areas = await form.getByLabel("For the people of").locator("option").allTextContents();
  const shifts = await form.getByLabel("On the shift").locator("option").allTextContents();
  const groups = await page.getByTestId("uncovered-groups").locator("li").allTextContents();
  const group = groups
    .map((g) => g.match(/^(.+) · (.+): (\d+)$/))
    .find((m) => m !== null && areas.includes(m[1]) && shifts.includes(m[2]));
  expect(group, `an uncovered group of an area and a shift among ${groups.join(" | ")}`).toBeTruthy();
  const [, area, shift, people] = group!;

  const place = uniqueName("Break room");
  await form.getByLabel("Where (the room, the gate)").fill(place);
  await form.getByLabel("For the people of").selectOption({ label: area });
  await form.getByLabel("On the shift").selectOption({ label: shift });
  await form.getByLabel("Opens").fill(`${NEXT_YEAR}-03-04T06:00`);
  await form.getByLabel("Closes").fill(`${NEXT_YEAR}-03-04T10:00`);
  await form.getByLabel("Covered by").selectOption({ label: LEAD_EMAIL });
  await submit(page, form.getByRole("button", { name: "Add the polling place" }));

  const item = page.getByTestId("places").locator("li.place", { hasText: place });
  await expect(item).toBeVisible();
  await expect(item.getByTestId("place-served")).toHaveText(`${people} people vote here`);
  await expect(item).toContainText(`For ${area} · ${shift}`);
  await expect(item).toContainText(`Covered by ${LEAD_EMAIL}`);
  expect(await uncoveredCount(page)).toBe(before - Number(people));
  await expect(page.getByTestId("uncovered-groups").getByText(`${area} · ${shift}: ${people}`, { exact: true })).toHaveCount(0);
  await expectNoSideways(page, "the polling places page with a new place");

  // Removing asks first (a second step that works without JavaScript).
  await expect(item.getByRole("button", { name: `Yes, remove ${place}` })).toBeHidden();
  await item.getByText(`Remove ${place}…`).click();
  await submit(page, item.getByRole("button", { name: `Yes, remove ${place}` }));
  await expect(page.getByTestId("places").locator("li.place", { hasText: place })).toHaveCount(0);
  expect(await uncoveredCount(page)).toBe(before);
  await expect(page.getByTestId("uncovered-groups").getByText(`${area} · ${shift}: ${people}`, { exact: true })).toBeVisible();
  await expectNoSideways(page, "the polling places page");
});

test("the polling places page leaves its forms off the paper", async ({ page }) => {
  await openDemoVotePlan(page);
  await openPlanPage(page);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("place-form")).toBeHidden();
  await expect(page.locator("details.confirm").first()).toBeHidden();
  await expect(page.getByTestId("places")).toBeVisible();
  await expect(page.getByTestId("uncovered")).toBeVisible();
  await page.emulateMedia({ media: "screen" });
  await expect(page.getByTestId("place-form")).toBeVisible();
});

// ---------------------------------------------------------------------------------------
// 5. Preparing a vote (both projects).

async function fillPlanForm(form: Locator, title: string, yes: string) {
  await form.getByLabel("Title").fill(title);
  await form.getByRole("radio", { name: /of the votes cast/ }).check();
  await form.getByLabel("Yes share required (percent)").fill(yes);
  await form.getByLabel("Turnout required (percent of the scope)").fill("50");
  await expectThumbSized(form.getByLabel("Date of the vote"));
  await form.getByLabel("Date of the vote").fill(`${NEXT_YEAR}-05-01`);
  await form.getByRole("checkbox", { name: "Emergency", exact: true }).check();
  await form.getByLabel("Chance of passing to aim for (percent)").fill("80");
  await form.getByLabel("Turnout of someone with a plan to vote (percent)").fill("90");
}

test("a vote with a yes share under half is refused next to the field; a good one opens its forecast", async ({ page }) => {
  await openVotePlans(page);
  const title = uniqueName("ER walkout vote");
  const form = page.getByTestId("vote-plan-form");
  await expect(form.getByRole("heading", { name: "Prepare a vote" })).toBeVisible();
  await fillPlanForm(form, title, "40");
  await submit(page, form.getByRole("button", { name: "Prepare it" }));
  // Refused, the page comes back with the form as typed and the share focused.
  await expect(page.getByLabel("Title")).toHaveValue(title);
  await expect(page.getByLabel("Yes share required (percent)")).toHaveValue("40");
  await expect(page.getByLabel("Yes share required (percent)")).toBeFocused();
  const error = page.locator("#rule-yes-error");
  await expect(error).toHaveText("The yes share needed: a whole percent from 50 to 100.");
  await expect(page.getByLabel("Yes share required (percent)")).toHaveAttribute("aria-describedby", "rule-yes-error");
  await expect(page.getByTestId("vote-plans").getByText(title)).toHaveCount(0);
  await expectNoSideways(page, "the vote plans page with an error");

  const again = page.getByTestId("vote-plan-form");
  await fillPlanForm(again, title, "60");
  await submit(page, again.getByRole("button", { name: "Prepare it" }));
  await expect(page).toHaveURL(/\/campaigns\/\d+\/votes\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByTestId("vote-rule")).toHaveText("Yes from 60% of the votes cast, with at least 50% voting");
  await expect(page.getByText("Scope: Emergency", { exact: false })).toBeVisible();
  await expect(page.getByTestId("scenario-name")).toHaveText("Default rates (no scenario saved yet)");
  await expect(savedSection(page).getByTestId("forecast-pass")).toBeVisible();
  await waitForHydration(page);
  await expectNoSideways(page, "a new plan's forecast page");

  // Listed once.
  await page.getByRole("link", { name: "← Strike vote planning" }).click();
  await expect(page.getByTestId("vote-plans").getByRole("link", { name: title })).toHaveCount(1);
});

test("the vote page at 360 px: axe clean, its path folded, out of reach said plainly", async ({ page }) => {
  await openDemoVotePlan(page);
  await expectNoSidewaysScroll(page);
  await expectAxeClean(page);
  const summary = (await page.getByTestId("path-summary").textContent()) ?? "";
  if (/out of (realistic )?reach/i.test(summary)) {
    await expect(page.getByTestId("path-bring-in")).toContainText("What would bring it in");
  } else {
    await expect(page.getByTestId("path-bring-in")).toHaveCount(0);
  }
  // Folded names open with a tap (a <details>, without JavaScript too).
  const names = page.locator("details.path-names").first();
  if ((await names.count()) > 0) {
    await expect(names.locator("li").first()).toBeHidden();
    await names.locator("summary").click();
    await expect(names.locator("li").first()).toBeVisible();
  }
});

// ---------------------------------------------------------------------------------------
// 4. At a desktop's width (1280 px), in the hydrated project.

test.describe("at 1280 px", () => {
  test.use({ viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });

  /** No sideways scroll, no `style` attribute, axe clean, no table or form wider than
   * its box, nothing refused in the console. */
  async function expectDesktopClean(page: Page, problems: string[]) {
    expect(await page.evaluate(() => window.innerWidth)).toBe(1280);
    await expectNoSidewaysScroll(page);
    expect(await page.locator("[style]").evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 120)))).toEqual([]);
    const overflowing = await outOfTheirBox(page);
    expect(overflowing).toEqual([]);
    await expectAxeClean(page);
    expect(problems).toEqual([]);
  }

  test("the three vote pages fit a desktop: no style attribute, axe clean, nothing overflowing", async ({ page }) => {
    test.skip(noJs(), "the desktop checks run once, hydrated");
    test.slow();
    const problems = watchConsole(page);
    await openVotePlans(page);
    await expect(page.getByTestId("vote-plans")).toBeVisible();
    await expect(page.getByTestId("vote-plan-form")).toBeVisible();
    await expectDesktopClean(page, problems);

    await page.getByTestId("vote-plans").getByRole("link", { name: "Strike authorization vote" }).first().click();
    await waitForHydration(page);
    await expect(page.getByTestId("what-if")).toBeVisible();
    await expectDesktopClean(page, problems);
    // The what-if's result sits beside its figures, not below them.
    const inputs = (await page.locator(".what-if-inputs").boundingBox())!;
    const result = (await page.locator(".what-if-result").boundingBox())!;
    expect(result.x).toBeGreaterThanOrEqual(inputs.x + inputs.width - 1);
    expect(result.y).toBeLessThan(inputs.y + inputs.height);
    // No select cuts its longest choice short.
    const cut = await page.locator(".move-row select").evaluateAll((selects) =>
      selects
        .map((el) => {
          const select = el as HTMLSelectElement;
          const longest = Array.from(select.options).reduce((a, o) => (o.text.length > a.length ? o.text : a), "");
          const style = getComputedStyle(select);
          const ctx = document.createElement("canvas").getContext("2d")!;
          ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const needed = ctx.measureText(longest).width;
          return select.clientWidth < needed ? `${select.name}: ${select.clientWidth} < ${Math.ceil(needed)}` : "";
        })
        .filter((x) => x !== ""),
    );
    expect(cut).toEqual([]);
    // The path is totals by area and organizer; the names fold behind each.
    await expect(page.getByTestId("path-summary")).toBeVisible();
    const names = page.locator("details.path-names");
    if ((await names.count()) > 0) {
      expect(await names.evaluateAll((ds) => ds.filter((d) => (d as HTMLDetailsElement).open).length)).toBe(0);
    }
    const path = (await page.locator("section:has(> #path-heading)").boundingBox())!;
    expect(path.height, "the path folds its names away (it was 44,852 px)").toBeLessThan(5000);
    // The yes share says what it is a share of, and what the rule needs.
    await expect(page.getByTestId("forecast-share-needed").first()).toContainText("needs");
    await expect(page.locator("dt", { hasText: /Expected yes share \(of/ }).first()).toBeVisible();

    await openPlanPage(page);
    await expect(page.getByTestId("place-form")).toBeVisible();
    await expectDesktopClean(page, problems);
  });
});
