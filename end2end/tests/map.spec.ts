import { test, expect, Page } from "@playwright/test";
import { addArea, acceptInvite, noJs, signIn, uniqueName, waitForHydration } from "./helpers";

async function openCampaignPage(page: Page, link: string) {
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: link }).click();
  await waitForHydration(page);
}

test("an organizer sees only the coworkers of their own areas", async ({ page, browser }) => {
  await signIn(page);
  await openCampaignPage(page, "Workplace map");
  const north = uniqueName("North wing");
  const south = uniqueName("South wing");
  const northId = await addArea(page, north);
  await addArea(page, south);

  await page.goto(page.url().replace(/\/map$/, "/coworkers"));
  await waitForHydration(page);
  const inNorth = uniqueName("Nadia");
  const inSouth = uniqueName("Sam");
  for (const [name, area] of [
    [inNorth, north],
    [inSouth, south],
  ]) {
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Area", { exact: true }).selectOption({ label: area });
    await page.getByRole("button", { name: "Add coworker" }).click();
    await expect(page.getByTestId("coworker-list").getByText(name)).toBeVisible();
  }

  await page.goto(page.url().replace(/\/coworkers$/, "/members"));
  await waitForHydration(page);
  await page.getByLabel("Role", { exact: true }).selectOption("organizer");
  await page.getByLabel(/^Areas \(numbers/).fill(northId);
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = (await page.getByTestId("invite-link").textContent())!.trim();

  const context = await browser.newContext({
    javaScriptEnabled: !noJs(),
    viewport: { width: 360, height: 740 },
  });
  const org = await context.newPage();
  const email = `${uniqueName("scoped").replace(/[^a-z0-9-]/gi, "").toLowerCase()}@e2e.example.org`;
  await acceptInvite(org, link, email, "an organizer password");
  await org.getByRole("link", { name: "Coworkers" }).click();
  await expect(org.getByTestId("coworker-list").getByText(inNorth)).toBeVisible();
  await expect(org.getByText(inSouth)).toHaveCount(0);
  await context.close();
});
