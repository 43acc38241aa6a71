import { test, expect, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import {
  e2eServer,
  expectAxeClean,
  expectNoSidewaysScroll,
  nextCode,
  noJs,
  savePhone,
  submit,
  uniqueName,
  waitForHydration,
} from "./helpers";

const PASSWORD = "a lead password, long enough";

/** A new lead of a new campaign, made as a deployment makes its first lead: on the command line. */
function newLead(): { email: string; campaign: string } {
  const email = `${uniqueName("mfa").replace(/[^a-z0-9-]/gi, "").toLowerCase()}@e2e.example.org`;
  const campaign = uniqueName("Second factor");
  const { binary, env } = e2eServer();
  execFileSync(binary, ["user", "create", "--email", email, "--lead-of", campaign], {
    env,
    input: `${PASSWORD}\n`,
    encoding: "utf8",
  });
  return { email, campaign };
}

async function passwordStep(page: Page, email: string) {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a lead sets up a second factor on a phone, then signs in with a code", async ({ page }) => {
  const { email, campaign } = newLead();
  await passwordStep(page, email);
  // A password alone: sent to set the factor up; the campaign is closed.
  await expect(page).toHaveURL(/\/account\?setup=required/);
  await expect(page.getByTestId("second-factor-required")).toBeVisible();
  await page.goto("/");
  await page.getByRole("link", { name: campaign }).click();
  await expect(page.getByTestId("second-factor-needed")).toBeVisible();
  await page.getByRole("link", { name: "Set up your second factor" }).click();

  // Set up: the QR code (drawn here, inside the phone's width), the key, ten codes.
  await submit(page, page.getByRole("button", { name: "Set up a second factor" }));
  const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
  await expect(qr).toBeVisible();
  const box = await qr.boundingBox();
  expect(box!.width).toBeGreaterThan(150);
  expect(box!.x + box!.width).toBeLessThanOrEqual(360);
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  const recovery = ((await page.getByTestId("recovery-codes").getByRole("listitem").first().textContent()) ?? "").trim();
  await expectNoSidewaysScroll(page);
  await expectAxeClean(page);
  const key = (await page.getByTestId("totp-secret").textContent()) ?? "";
  savePhone(email, { key, lastStep: 0 });
  // A wrong code first: said beside the field, still being set up.
  await page.getByLabel("6-digit code").fill("000000");
  await submit(page, page.getByRole("button", { name: "Turn on" }));
  await expect(page.locator("#factor-code-error")).toContainText("not right");
  await page.getByLabel("6-digit code").fill(await nextCode(email));
  await submit(page, page.getByRole("button", { name: "Turn on" }));
  await expect(page.getByTestId("second-factor-state")).toHaveText("On. 10 recovery codes left.");
  await expect(page.getByTestId("recovery-codes")).toHaveCount(0);
  await page.goto("/");
  await page.getByRole("link", { name: campaign }).click();
  await expect(page.getByRole("heading", { name: campaign, level: 1 })).toBeVisible();

  // Signed out and in again: the password, then the code page.
  await page.getByRole("button", { name: "Sign out" }).click();
  await passwordStep(page, email);
  await expect(page).toHaveURL(/\/login\/code$/);
  await expectAxeClean(page);
  const code = page.getByLabel("Code from your authenticator app");
  await code.fill("12a456");
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await expect(page.locator("#login-code-error")).toContainText("6-digit code");
  await page.getByLabel("Code from your authenticator app").fill(await nextCode(email));
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await expect(page.getByRole("heading", { name: campaign, level: 1 })).toBeVisible();

  // Phone lost: a recovery code, once, and the account page says how many are left.
  await page.getByRole("button", { name: "Sign out" }).click();
  await passwordStep(page, email);
  await page.getByLabel("Code from your authenticator app").fill(recovery.toLowerCase());
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await expect(page).toHaveURL(/\/account/);
  await expect(page.getByTestId("second-factor-state")).toHaveText("On. 9 recovery codes left.");
});

test("a member sees where they are signed in and ends the other sessions", async ({ page, browser }) => {
  const { email } = newLead();
  // First sign-in: set the factor up.
  await passwordStep(page, email);
  await submit(page, page.getByRole("button", { name: "Set up a second factor" }));
  savePhone(email, { key: (await page.getByTestId("totp-secret").textContent()) ?? "", lastStep: 0 });
  await page.getByLabel("6-digit code").fill(await nextCode(email));
  await submit(page, page.getByRole("button", { name: "Turn on" }));

  // A second device.
  const other = await browser.newContext({ javaScriptEnabled: !noJs(), viewport: { width: 360, height: 740 } });
  const tablet = await other.newPage();
  await passwordStep(tablet, email);
  await tablet.getByLabel("Code from your authenticator app").fill(await nextCode(email));
  await submit(tablet, tablet.getByRole("button", { name: "Sign in" }));
  await expect(tablet).not.toHaveURL(/\/login/);

  await page.goto("/account");
  const sessions = page.getByTestId("sessions").getByRole("listitem");
  await expect(sessions).toHaveCount(2);
  await expect(page.getByTestId("sessions")).toContainText("(this one)");
  await expect(page.getByTestId("sessions")).toContainText("from 127.0.0.x");
  await expectNoSidewaysScroll(page);
  await submit(page, page.getByRole("button", { name: "End all other sessions" }));
  await expect(page.getByTestId("sessions").getByRole("listitem")).toHaveCount(1);
  // The tablet is signed out at once.
  await tablet.goto("/account");
  await expect(tablet).toHaveURL(/\/login$/);
  await other.close();
});
