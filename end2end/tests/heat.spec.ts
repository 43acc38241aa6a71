import { test, expect, Page } from "@playwright/test";
import { addArea, acceptInvite, expectThumbSized, noJs, signIn, submit, uniqueName, waitForHydration } from "./helpers";

// The heat map, at 360 px hydrated and without JavaScript (and at 1280 px in desktop.spec).

/** Two new areas with a coworker each; back on the campaign's home. */
async function smallMap(page: Page): Promise<{ north: string; south: string; northId: string; nadia: string; sam: string }> {
  await signIn(page);
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Workplace map" }).click();
  const north = uniqueName("Heat north");
  const south = uniqueName("Heat south");
  const northId = await addArea(page, north);
  await addArea(page, south);
  await page.goto(page.url().replace(/\/map$/, "/coworkers"));
  const nadia = uniqueName("Nadia");
  const sam = uniqueName("Sam");
  for (const [name, area] of [
    [nadia, north],
    [sam, south],
  ]) {
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Area", { exact: true }).selectOption({ label: area });
    await page.getByRole("button", { name: "Add coworker" }).click();
    await expect(page.getByTestId("coworker-list").getByText(name)).toBeVisible();
  }
  await page.goto(page.url().replace(/\/coworkers$/, ""));
  return { north, south, northId, nadia, sam };
}

test("a lead changes the columns and the day, and opens a cell", async ({ page }) => {
  const { north, nadia } = await smallMap(page);
  await page.getByRole("link", { name: "Heat map" }).click();
  await waitForHydration(page);
  const table = page.getByTestId("heat-table");
  await expect(table).toBeVisible();
  const row = table.getByTestId("heat-row").filter({ has: page.getByRole("rowheader", { name: north }) });
  await expect(row).toHaveCount(1);
  // Columns by job title instead of shift.
  await page.getByLabel("Columns").selectOption("job_title");
  await submit(page, page.getByRole("button", { name: "Show" }));
  await expect(page).toHaveURL(/dimension=job_title/);
  await expect(page.getByRole("columnheader", { name: "No job title" })).toBeVisible();
  // A past day: the map as it stood then (the new areas' people did not exist yet).
  await expectThumbSized(page.getByLabel(/^As of/));
  await page.getByLabel(/^As of/).fill("2020-01-31");
  await submit(page, page.getByRole("button", { name: "Show" }));
  await expect(page.getByTestId("heat-caption")).toContainText("As it stood at the end of 2020-01-31");
  await expect(page.getByTestId("heat-caption")).toContainText("· 0 on the map");
  await expect(page.locator("a.heat-open")).toHaveCount(0);
  // Today again; open the north area's cell: Nadia is there, a tap from logging.
  await page.getByLabel(/^As of/).fill("");
  await submit(page, page.getByRole("button", { name: "Show" }));
  const cell = page.getByTestId("heat-row").filter({ has: page.getByRole("rowheader", { name: north }) }).locator("a.heat-open").first();
  await cell.click();
  await expect(page.getByTestId("cell-caption")).toContainText(north);
  await expect(page.getByRole("link", { name: `Log a one-on-one with ${nadia}` })).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});

test("an organizer sees their scope on the heat map; a viewer sees no names", async ({ page, browser }) => {
  const { north, south, northId, nadia, sam } = await smallMap(page);
  const invite = async (role: string, areas: string) => {
    await page.goto(page.url().replace(/\/campaigns\/(\d+).*$/, "/campaigns/$1/members"));
    await page.getByLabel("Role", { exact: true }).selectOption(role);
    await page.getByLabel(/^Areas \(numbers/).fill(areas);
    await submit(page, page.getByRole("button", { name: "Create invite link" }));
    return (await page.getByTestId("invite-link").textContent())!.trim();
  };
  for (const [role, areas] of [
    ["organizer", northId],
    ["viewer", ""],
  ]) {
    const link = await invite(role, areas);
    const context = await browser.newContext({ javaScriptEnabled: !noJs(), viewport: { width: 360, height: 740 } });
    const other = await context.newPage();
    const email = `${uniqueName(role).replace(/[^a-z0-9-]/gi, "").toLowerCase()}@e2e.example.org`;
    await acceptInvite(other, link, email, `a ${role} password, long enough`);
    await other.getByRole("link", { name: "Heat map" }).click();
    if (role === "organizer") {
      // Every area is a row (places are not people), but only the organizer's own
      // area has anyone in it for them: nobody in the south wing opens.
      const rowOf = (area: string) =>
        other.getByTestId("heat-row").filter({ has: other.getByRole("rowheader", { name: area }) });
      await expect(rowOf(north).locator("a.heat-open").first()).toBeVisible();
      await expect(rowOf(south).locator("a.heat-open")).toHaveCount(0);
      await rowOf(north).locator("a.heat-open").first().click();
      await expect(other.getByRole("link", { name: `Log a one-on-one with ${nadia}` })).toBeVisible();
      await expect(other.getByText(sam)).toHaveCount(0);
    } else {
      await expect(other.getByTestId("counts-only")).toBeVisible();
      await expect(other.locator("a.heat-open")).toHaveCount(0);
      await expect(other.getByText(nadia)).toHaveCount(0);
    }
    await context.close();
  }
});

test("the heat map prints in black and white with its numbers", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Heat map" }).click();
  await expect(page.getByTestId("heat-table")).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("search", { name: "Heat map view" })).toBeHidden();
  const background = await page.locator("td.heat-cell").first().evaluate((td) => getComputedStyle(td).backgroundColor);
  expect(["rgba(0, 0, 0, 0)", "transparent"]).toContain(background);
  await expect(page.locator("td.heat-cell strong").first()).toBeVisible();
  // On paper it is landscape (A4: 842 × 595 points), the page's own size.
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString("latin1");
  const media = pdf.match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  expect(media, "the PDF names its page size").not.toBeNull();
  expect(Number(media![1])).toBeGreaterThan(Number(media![2]));
});

test("a parent area folds its sub-areas away and back, with or without JavaScript", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Workplace map" }).click();
  const wing = uniqueName("Fold wing");
  const ward = uniqueName("Fold ward");
  await addArea(page, wing);
  await page.getByLabel(/^New area/).fill(ward);
  await page.locator("#area-parent").selectOption({ label: wing });
  await page.getByRole("button", { name: "Add area" }).click();
  await expect(page.getByTestId("area-list").locator("summary", { hasText: ward })).toBeVisible();
  await page.goto(page.url().replace(/\/map$/, "/coworkers"));
  const name = uniqueName("Folda");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Area", { exact: true }).selectOption({ label: ward });
  await page.getByRole("button", { name: "Add coworker" }).click();
  await expect(page.getByTestId("coworker-list").getByText(name)).toBeVisible();
  await page.goto(page.url().replace(/\/coworkers$/, "/heat"));
  const rowOf = (area: string) =>
    page.getByTestId("heat-row").filter({ has: page.getByRole("rowheader", { name: area }) });
  await expect(rowOf(ward)).toHaveCount(1);
  const fold = page.getByRole("link", { name: `Fold the areas under ${wing}`, exact: true });
  await expect(fold).toHaveAttribute("aria-expanded", "true");
  const total = await rowOf(wing).locator("td.heat-cell").last().textContent();
  await fold.click();
  await expect(page).toHaveURL(/fold=\d+/);
  await expect(rowOf(ward)).toHaveCount(0);
  // The parent row still counts its sub-areas' people.
  await expect(rowOf(wing).locator("td.heat-cell").last()).toHaveText(total!);
  const unfold = page.getByRole("link", { name: `Unfold the areas under ${wing}`, exact: true });
  await expect(unfold).toHaveAttribute("aria-expanded", "false");
  // Changing the columns keeps the fold.
  await page.getByLabel("Columns").selectOption("job_title");
  await submit(page, page.getByRole("button", { name: "Show" }));
  await expect(page).toHaveURL(/dimension=job_title/);
  await expect(rowOf(ward)).toHaveCount(0);
  await page.getByRole("link", { name: `Unfold the areas under ${wing}`, exact: true }).click();
  await expect(rowOf(ward)).toHaveCount(1);
});
