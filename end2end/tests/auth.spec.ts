import { test, expect } from "@playwright/test";
import { acceptInvite, inviteLink, noJs, signIn, uniqueName, waitForHydration } from "./helpers";

test("a wrong password is refused with a message, and no session starts", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  // An e-mail of its own: the lead's would be locked out after five runs (5 wrong
  // passwords per account and address lock it, by design), and an unknown e-mail gets
  // exactly the answer a wrong password does.
  await page.getByLabel("E-mail").fill(`${uniqueName("nobody").replace(/\W+/g, "-")}@e2e.example.org`);
  await page.getByLabel("Password").fill("not the password, sorry");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#login-password-error")).toHaveText(
    "That e-mail and password do not match an account.",
  );
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("a lead invites an organizer, who joins through the link", async ({ page, browser }) => {
  await signIn(page);
  const link = await inviteLink(page);
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);

  const invitee = await browser.newContext({
    javaScriptEnabled: !noJs(),
    viewport: { width: 360, height: 740 },
  });
  const other = await invitee.newPage();
  await other.goto(new URL(link).pathname);
  await waitForHydration(other);
  await expect(other.getByRole("heading", { name: "Join E2E Campaign" })).toBeVisible();
  const email = `${uniqueName("org").replace(/[^a-z0-9-]/gi, "").toLowerCase()}@e2e.example.org`;
  await acceptInvite(other, link, email, "an organizer password");
  await expect(other.getByRole("heading", { name: "E2E Campaign" })).toBeVisible();
  await expect(other.getByText(/Organizer — works their areas/)).toBeVisible();
  // An organizer has no members page.
  await expect(other.getByRole("link", { name: "Members and invites" })).toHaveCount(0);
  // The link works once.
  const third = await (await browser.newContext({ javaScriptEnabled: !noJs() })).newPage();
  await third.goto(new URL(link).pathname);
  await expect(third.getByText(/expired or was already used/)).toBeVisible();
  await invitee.close();

  await page.reload();
  await expect(page.getByTestId("member-list").getByText(email, { exact: true })).toBeVisible();
});
