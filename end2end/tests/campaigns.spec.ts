import { test, expect, Page } from "@playwright/test";
import { noJs, signIn, submit, uniqueName } from "./helpers";

// The same story runs hydrated and with JavaScript disabled (see playwright.config.ts).

async function openCampaigns(page: Page) {
  await signIn(page);
}

test("a campaign is created and listed", async ({ page }) => {
  await openCampaigns(page);
  const name = uniqueName("Riverside Warehouse");
  await page.getByLabel("Campaign name").fill(name);
  await submit(page, page.getByRole("button", { name: "Create campaign" }));
  await expect(page.getByTestId("campaign-list").getByText(name)).toBeVisible();
  await expect(page.getByTestId("campaign-list").getByText("E2E Campaign")).toBeVisible();
  // It is stored, not only drawn: a fresh load still shows it.
  await page.reload();
  await expect(page.getByTestId("campaign-list").getByText(name)).toBeVisible();
});

test("an empty name is refused with a message next to the field", async ({ page }) => {
  await openCampaigns(page);
  // The signed-in lead is in the E2E Campaign: the list is there, never "missing = 0".
  const list = page.getByTestId("campaign-list");
  await expect(list.getByText("E2E Campaign")).toBeVisible();
  const before = await list.locator("li").count();
  expect(before).toBeGreaterThan(0);
  await page.getByLabel("Campaign name").fill("   ");
  await submit(page, page.getByRole("button", { name: "Create campaign" }));
  await expect(page.locator("#campaign-name-error")).toHaveText("Give the campaign a name.");
  await expect(page.getByLabel("Campaign name")).toHaveAttribute("aria-invalid", "true");
  await page.reload();
  await expect(list.getByText("E2E Campaign")).toBeVisible();
  expect(await list.locator("li").count()).toBe(before);
});

test("a name over 200 characters is refused", async ({ page }) => {
  await openCampaigns(page);
  await page.getByLabel("Campaign name").fill("x".repeat(201));
  await page.getByRole("button", { name: "Create campaign" }).click();
  await expect(page.locator("#campaign-name-error")).toContainText("at most 200 characters");
});

test("the page fits a 360 px phone without sideways scrolling", async ({ page }) => {
  await openCampaigns(page);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  const button = page.getByRole("button", { name: "Create campaign" });
  const box = await button.boundingBox();
  // A thumb-sized target (WCAG 2.5.5 asks for 44 px).
  expect(box!.height).toBeGreaterThanOrEqual(44);
});

test("the page makes no third-party requests", async ({ page }) => {
  const foreign: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.hostname !== "127.0.0.1") foreign.push(req.url());
  });
  await openCampaigns(page);
  expect(foreign).toEqual([]);
});

test("hashed assets are precompressed and cached for a year", async ({ request }) => {
  const html = await (await request.get("/login", { headers: { accept: "text/html" } })).text();
  // The islands loader names the hashed bundle (it loads it only where a page has an island).
  const wasm = html.match(/"pkg", "rankfile\.[^"]+", "(rankfile\.[^"]+)"\)/)?.[1];
  expect(wasm, "the loader names a hashed .wasm").toBeTruthy();
  const res = await request.get(`/pkg/${wasm}.wasm`, { headers: { "accept-encoding": "br" } });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-encoding"]).toBe("br");
  expect(res.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  const page = await request.get("/favicon.ico");
  expect(page.headers()["cache-control"]).toBe("no-cache");
});

test("only a page with an island loads code", async ({ page }) => {
  test.skip(noJs(), "without JavaScript nothing loads anywhere");
  const code: string[] = [];
  page.on("request", (req) => {
    if (/\/pkg\/.*\.(js|wasm)$/.test(new URL(req.url()).pathname)) code.push(req.url());
  });
  await signIn(page);
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Chart" }).first().click();
  await page.waitForLoadState("networkidle");
  expect(code, "the campaigns list, the campaign and the chart send no code").toEqual([]);
  await expect(page.locator("leptos-island")).toHaveCount(0);
});

test("a lead's campaign home shows support against the target, and the target is the lead's", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  const board = page.getByTestId("dashboard");
  await expect(board).toBeVisible();
  // Unknown counts against: the figure is a share of everyone on the chart.
  await expect(board.getByTestId("support")).toContainText(/\d+% rated 1–2: \d+ of \d+ on the chart/);
  await expect(board.getByTestId("target-gap")).toContainText(/target|Nobody is on the chart/);
  // The target is set with the loop settings, and the home page reads it back.
  await page.getByRole("link", { name: /Coverage and the loop settings/ }).click();
  const target = page.getByLabel(/Support target before acting/);
  await expect(target).toHaveValue("70");
  await target.fill("66");
  await submit(page, page.getByRole("button", { name: "Save settings" }));
  await page.goto(page.url().replace(/\/coverage.*$/, ""));
  await expect(page.getByTestId("target-gap")).toContainText(/66% target|Nobody is on the chart/);
  // Put it back for the other tests.
  await page.goto(page.url() + "/coverage");
  await page.getByLabel(/Support target before acting/).fill("70");
  await submit(page, page.getByRole("button", { name: "Save settings" }));
  await expect(page.getByLabel(/Support target before acting/)).toHaveValue("70");
});
