import { test, expect, Page } from "@playwright/test";
import { ownCampaign, signIn, submit, uniqueName, waitForHydration } from "./helpers";

/**
 * In a campaign of its own (see ownCampaign: in the shared one, the fifth pass of
 * `--repeat-each=5` clicked a chip while the long chart was still laying out its rows, and
 * the tap landed beside it), adds an area on the map page and a coworker in it on the
 * coworkers page.
 */
async function seedCoworker(page: Page): Promise<{ area: string; name: string }> {
  const campaign = await ownCampaign(page, "Chart");
  await page.getByRole("link", { name: campaign, exact: true }).click();
  await page.getByRole("link", { name: "Workplace map", exact: true }).click();
  await waitForHydration(page);
  const area = uniqueName("Loading dock");
  await page.getByLabel(/^New area/).fill(area);
  await page.getByRole("button", { name: "Add area" }).click();
  await expect(page.getByTestId("area-list").locator("summary", { hasText: area })).toBeVisible();
  await page.goto(page.url().replace(/\/map$/, "/coworkers"));
  await waitForHydration(page);
  const name = uniqueName("Rosa");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Area", { exact: true }).selectOption({ label: area });
  await page.getByRole("button", { name: "Add coworker" }).click();
  await expect(page.getByTestId("coworker-list").getByText(name)).toBeVisible();
  return { area, name };
}

async function expectNoSideways(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test("the chart shows each coworker as a chip by area, and filters by name", async ({ page }) => {
  await signIn(page);
  const { area, name } = await seedCoworker(page);
  // A second coworker in the same area: a filter that does nothing would still show both.
  const other = uniqueName("Omar");
  await page.getByLabel("Name", { exact: true }).fill(other);
  await page.getByLabel("Area", { exact: true }).selectOption({ label: area });
  await page.getByRole("button", { name: "Add coworker" }).click();
  await expect(page.getByTestId("coworker-list").getByText(other)).toBeVisible();

  await page.goto(page.url().replace(/\/coworkers$/, "/chart"));
  await waitForHydration(page);
  const row = page.locator(".chart-row", { has: page.getByRole("heading", { name: area }) });
  const chip = row.getByRole("link", { name: new RegExp(`${name}, not yet rated`) });
  await expect(chip).toBeVisible();
  await expect(chip).toHaveClass(/\bru\b/); // unknown has its own colour, never a 3
  await expect(row.getByRole("link", { name: new RegExp(other) })).toBeVisible();
  await expectNoSideways(page);

  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("chart-count")).toHaveText(/^1 of \d+ coworkers match$/);
  await expect(page.getByRole("link", { name: new RegExp(name) })).toBeVisible();
  await expect(page.getByRole("link", { name: new RegExp(other) })).toHaveCount(0);
  await page.getByLabel("Name", { exact: true }).fill("nobody-has-this-name");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByText("Nobody matches.")).toBeVisible();
});

test("a coworker is edited from the chart; bad input is named and changes nothing", async ({ page }) => {
  await signIn(page);
  const { name } = await seedCoworker(page);
  await page.goto(page.url().replace(/\/coworkers$/, "/chart"));
  await waitForHydration(page);
  await page.getByRole("link", { name: new RegExp(name) }).click();
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await expectNoSideways(page);

  const form = page.getByTestId("coworker-edit");
  await form.getByLabel("Personal phone").fill("call me maybe");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#cw-phone-error")).toHaveText(/phone number/);
  await waitForHydration(page);

  await form.getByLabel("Personal phone").fill("+1 (555) 010-2030");
  await form.getByLabel("Job title").fill("Forklift operator");
  await form.getByLabel("Organizing committee member").check();
  await submit(page, form.getByRole("button", { name: "Save" }));
  await expect(page.locator("#cw-phone-error")).toBeEmpty();
  // The post comes back to the page (`?saved=1`), which says so.
  await expect(page.getByTestId("coworker-saved")).toHaveText("Saved.");
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByText("◆ committee member")).toBeVisible();
  await expect(form.getByLabel("Personal phone")).toHaveValue("+1 (555) 010-2030");
  await expect(form.getByLabel("Job title")).toHaveValue("Forklift operator");

  await page.getByRole("link", { name: "← Chart" }).click();
  await waitForHydration(page);
  await expect(
    page.getByRole("link", { name: new RegExp(`${name}, not yet rated, committee member`) }),
  ).toBeVisible();
});
