import { test, expect, Page } from "@playwright/test";
import { LEAD_EMAIL, noJs, signIn, submit, uniqueName, waitForHydration } from "./helpers";

/** A coworker assigned to the signed-in lead, so they appear on the lead's My list. */
async function assignedCoworker(page: Page): Promise<string> {
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Coworkers", exact: true }).click();
  await waitForHydration(page);
  const name = uniqueName("Marta");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add coworker" }).click();
  await expect(page.getByTestId("coworker-list").getByText(name)).toBeVisible();
  await page.goto(page.url().replace(/\/coworkers$/, "/chart"));
  await waitForHydration(page);
  await page.getByRole("link", { name: new RegExp(name) }).click();
  await waitForHydration(page);
  const form = page.getByTestId("coworker-edit");
  await form.getByLabel("Assigned organizer").selectOption({ label: LEAD_EMAIL });
  await submit(page, form.getByRole("button", { name: "Save" }));
  await page.reload();
  await expect(form.getByLabel("Assigned organizer")).toHaveValue(/\d+/);
  return name;
}

test("from My list to a saved one-on-one in a few taps", async ({ page }) => {
  await signIn(page);
  const name = await assignedCoworker(page);
  await page.goto(page.url().replace(/\/coworkers\/\d+$/, "/my"));
  await waitForHydration(page);
  const never = page.getByTestId("never-talked");
  await expect(never.getByText(name)).toBeVisible();
  await expect(page.getByText("Loading your list…")).toHaveCount(0);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);

  // The loop itself: Log, a rating, an issue, Save — four taps (and the notes, typed).
  // Each step is one action on a control found by its label, and nothing else is needed
  // between them: the form's defaults (in person, now, rating unchanged) fit a break.
  await never.getByRole("link", { name: `Log a one-on-one with ${name}` }).click();
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  const form = page.getByTestId("log-form");
  await form.getByLabel("2 · supporter").check();
  await form.getByLabel("staffing").check();
  await form.getByLabel("Notes").fill("Worried about mandatory overtime.");
  await form.getByRole("button", { name: "Save" }).click();

  await expect(page).toHaveURL(/\/my\?logged=\d+$/);
  await expect(page.getByTestId("logged")).toHaveText("Saved the one-on-one.");
  await waitForHydration(page);
  await expect(page.getByTestId("never-talked").getByText(name)).toHaveCount(0);

  // The coworker's page shows the conversation and the new rating.
  await page.goto(page.url().replace(/\/my\?.*$/, "/chart"));
  await waitForHydration(page);
  await page.getByRole("link", { name: new RegExp(`${name}, 2 · supporter`) }).click();
  await waitForHydration(page);
  await expect(page.getByTestId("conversations")).toContainText("Worried about mandatory overtime.");
  await expect(page.getByTestId("rating-timeline")).toContainText("2 · supporter");
  if (!noJs()) {
    await expect(page.getByTestId("coworker-rating")).toHaveText("2 · supporter");
  }
});
