import { test, expect, Page } from "@playwright/test";
import { expectAxeClean, liveStructureTest, noJs, submit, waitForHydration } from "./helpers";

// Structure tests (issue 14), at 360 px hydrated and without JavaScript: every form on
// these pages is a plain post, so both projects must behave the same.

/** One person's row on the record form. */
function markRow(page: Page, name: string) {
  return page
    .getByTestId("record-form")
    .getByTestId("mark-row")
    .filter({ has: page.getByRole("checkbox", { name, exact: true }) });
}

async function expectNoSideways(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test("a lead records ten people in eleven taps", async ({ page }) => {
  const { people } = await liveStructureTest(page, 10);
  await expectNoSideways(page);
  await expect(page.getByTestId("people-count")).toHaveText("10 people to mark.");

  // One tap (a single click, never `check()`'s retries) ticks each person, and nothing is
  // sent while ticking; then one tap sends one post naming all ten: eleven taps.
  const posted: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST") posted.push(r.postData() ?? "");
  });
  const form = page.getByTestId("record-form");
  for (const name of people) {
    const box = form.getByRole("checkbox", { name, exact: true });
    await expect(box).not.toBeChecked();
    await box.click();
    await expect(box).toBeChecked();
  }
  expect(posted).toEqual([]);
  await submit(page, page.getByTestId("mark-ticked").getByRole("button", { name: "Took part", exact: true }));
  // The eleventh tap sent one post naming all ten people.
  expect(posted).toHaveLength(1);
  expect(posted[0].match(/coworker_ids/g)).toHaveLength(10);

  await expect(page.getByTestId("recorded")).toHaveText("Marked 10 people.");
  await expect(page.getByTestId("outcome")).toContainText("10 of 10 took part");
  for (const name of people) {
    await expect(markRow(page, name).getByTestId("current-mark")).toHaveText("Took part");
  }
  await expectNoSideways(page);
});

test("one tap marks one person; a whole area is marked at once; a mistake changes nothing", async ({ page }) => {
  const { area, people } = await liveStructureTest(page, 3);
  const [ana, ben, cleo] = people;

  // The common answer is one tap on the person's own row, and the page comes back at
  // that row (the address names it), not at the top.
  const rows = page.getByTestId("mark-row");
  const rowHeight = (await rows.first().boundingBox())!.height;
  expect(rowHeight, "a compact row: one line and one button").toBeLessThanOrEqual(64);
  await submit(page, page.getByRole("button", { name: `Took part: ${ben}`, exact: true }));
  await expect(page.getByTestId("recorded")).toHaveText("Marked 1 person.");
  await expect(page).toHaveURL(/#row-\d+$/);
  await expect(markRow(page, ben)).toBeInViewport();
  await expect(markRow(page, ben).getByTestId("current-mark")).toHaveText("Took part");
  // Any other answer: tick, and the bar's button.
  await markRow(page, ben).getByRole("checkbox").click();
  await markRow(page, ana).getByRole("checkbox").click();
  await submit(page, page.getByTestId("mark-ticked").getByRole("button", { name: "Declined", exact: true }));
  await expect(page.getByTestId("recorded")).toHaveText("Marked 2 people.");
  await expect(markRow(page, ana).getByTestId("current-mark")).toHaveText("Declined");
  await expect(markRow(page, ben).getByTestId("current-mark")).toHaveText("Declined");
  await expect(markRow(page, cleo).getByTestId("current-mark")).toHaveText("Not marked");

  // The mark with nobody ticked: said in words, nothing stored.
  await submit(page, page.getByTestId("mark-ticked").getByRole("button", { name: "Took part", exact: true }));
  await expect(page.getByText("Tick the people to mark first.")).toBeVisible();
  for (const name of [ana, ben]) {
    await expect(markRow(page, name).getByTestId("current-mark")).toHaveText("Declined");
  }
  await expect(markRow(page, cleo).getByTestId("current-mark")).toHaveText("Not marked");
  await expect(page.getByTestId("outcome")).toContainText("0 of 3 took part");

  // Everyone in the area not marked yet: Ana's and Ben's "Declined" stay.
  const group = page.getByTestId("group-form");
  await group.getByLabel("Area").selectOption({ label: area });
  await expect(group.getByLabel("Only those not marked yet")).toBeChecked();
  await submit(page, group.getByRole("button", { name: "Mark all: Took part" }));
  await expect(page.getByTestId("recorded")).toHaveText("Marked 1 person.");
  await expect(markRow(page, ana).getByTestId("current-mark")).toHaveText("Declined");
  await expect(markRow(page, ben).getByTestId("current-mark")).toHaveText("Declined");
  await expect(markRow(page, cleo).getByTestId("current-mark")).toHaveText("Took part");
  await expect(page.getByTestId("outcome")).toContainText("1 of 3 took part");
  await expectNoSideways(page);
});

test("a closed test says what it means for the ratings; the projector and the dashboard show it", async ({ page }) => {
  test.slow(); // the projector's refresh is watched for its 15 seconds, twice
  const { url, title, people } = await liveStructureTest(page, 2);
  await submit(page, page.getByRole("button", { name: `Took part: ${people[0]}`, exact: true }));
  await expect(page.getByTestId("outcome")).toContainText("1 of 2 took part");
  await expect(page.getByTestId("validation")).toHaveCount(0);

  // Closing asks first (a second step that works without JavaScript).
  await page.getByText("Close it now…").click();
  await submit(page, page.getByRole("button", { name: "Yes, close it now" }));
  await expect(page.getByTestId("test-status")).toContainText("Closed");
  // Closed: nothing more to record, and the lead reads the ratings against the count.
  await expect(page.getByTestId("record-form")).toHaveCount(0);
  const validation = page.getByTestId("validation");
  await expect(validation.getByRole("heading", { name: "What it says about the ratings" })).toBeVisible();
  await expect(validation.getByTestId("by-rating")).toBeVisible();
  await expectNoSideways(page);

  // The count for a screen: it reloads itself, without JavaScript.
  await page.getByRole("link", { name: /Show the count on a screen/ }).click();
  await expect(page).toHaveURL(new RegExp(`${url}/tally$`));
  const projector = page.getByTestId("projector");
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(projector.getByTestId("projector-figure")).toContainText("50%");
  await expect(projector.getByTestId("projector-outcome")).toContainText("1 of 2 took part");
  // Every column of the count fits the phone, its % too: nothing to scroll to.
  const scrolled = await projector.locator(".table-wrap").evaluateAll((wraps) =>
    wraps.filter((w) => w.scrollWidth > w.clientWidth + 1).map((w) => `${w.scrollWidth} > ${w.clientWidth}`),
  );
  expect(scrolled).toEqual([]);
  // It refreshes itself (an island), and a person can pause it: no `<meta>` refresh,
  // which nobody can stop (axe's meta-refresh). Without JavaScript, a link refreshes.
  await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(0);
  await expect(page.getByTestId("refresh-now")).toBeVisible();
  if (!noJs()) {
    await waitForHydration(page);
    const pause = page.getByTestId("pause-refresh");
    await expect(pause).toHaveAttribute("aria-pressed", "false");
    // Running, it reloads within its 15 seconds: the page's own marker is gone after.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.waitForFunction(() => !(window as unknown as { stayed?: boolean }).stayed, null, { timeout: 20_000 });
    await waitForHydration(page);
    await page.getByTestId("pause-refresh").click();
    await expect(page.getByTestId("pause-refresh")).toHaveAttribute("aria-pressed", "true");
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.waitForTimeout(16_000);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  }
  await expectAxeClean(page);
  await expectNoSideways(page);

  // The lead's dashboard: the latest test, with its count.
  await page.goto(url.replace(/\/tests\/\d+$/, ""));
  const latest = page.getByTestId("latest-test");
  await expect(latest).toBeVisible();
  await expect(latest.getByRole("link", { name: title })).toBeVisible();
  await expect(latest.getByTestId("latest-test-outcome")).toContainText("1 of 2 took part");

  // The escalation timeline lists it with its outcome.
  await latest.getByRole("link", { name: "Every test, in order" }).click();
  await expect(page.getByTestId("timeline").getByRole("link", { name: title })).toBeVisible();
  // The plan form's two date-and-time fields once pushed this page 100 px sideways.
  await expect(page.getByTestId("test-plan-form")).toBeVisible();
  await expectNoSideways(page);
});
