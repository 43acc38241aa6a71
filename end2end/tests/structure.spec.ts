import { test, expect, Page } from "@playwright/test";
import { liveStructureTest, submit } from "./helpers";

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

  // One tap on a person's own button.
  await submit(page, page.getByRole("button", { name: `Declined: ${ana}`, exact: true }));
  await expect(page.getByTestId("recorded")).toHaveText("Marked 1 person.");
  await expect(markRow(page, ana).getByTestId("current-mark")).toHaveText("Declined");
  await expect(markRow(page, ben).getByTestId("current-mark")).toHaveText("Not marked");

  // The mark with nobody ticked: said in words, nothing stored.
  await submit(page, page.getByTestId("mark-ticked").getByRole("button", { name: "Took part", exact: true }));
  await expect(page.getByText("Tick the people to mark first.")).toBeVisible();
  await expect(markRow(page, ana).getByTestId("current-mark")).toHaveText("Declined");
  for (const name of [ben, cleo]) {
    await expect(markRow(page, name).getByTestId("current-mark")).toHaveText("Not marked");
  }
  await expect(page.getByTestId("outcome")).toContainText("0 of 3 took part");

  // Everyone in the area not marked yet: Ana's "Declined" stays.
  const group = page.getByTestId("group-form");
  await group.getByLabel("Area").selectOption({ label: area });
  await expect(group.getByLabel("Only those not marked yet")).toBeChecked();
  await submit(page, group.getByRole("button", { name: "Mark all: Took part" }));
  await expect(page.getByTestId("recorded")).toHaveText("Marked 2 people.");
  await expect(markRow(page, ana).getByTestId("current-mark")).toHaveText("Declined");
  for (const name of [ben, cleo]) {
    await expect(markRow(page, name).getByTestId("current-mark")).toHaveText("Took part");
  }
  await expect(page.getByTestId("outcome")).toContainText("2 of 3 took part");
  await expectNoSideways(page);
});

test("a closed test says what it means for the ratings; the projector and the dashboard show it", async ({ page }) => {
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
  await expect(page.locator('meta[http-equiv="refresh"]')).toHaveAttribute("content", "15");
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
