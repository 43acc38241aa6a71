import { test, expect, Locator, Page } from "@playwright/test";
import {
  acceptInvite,
  expectNoSidewaysScroll,
  noJs,
  ownCampaign,
  signIn,
  submit,
  uniqueName,
  waitForHydration,
} from "./helpers";

// The organizer's day (issue 30): from signing in to a saved one-on-one with a rating and
// a follow-up, for someone on their list, in at most eight taps — on a 360 px phone, with
// and without JavaScript. Every tap is counted here; typing is not a tap, but focusing a
// field to type in it is.

/** Counts taps: each `tap` is one click on one control, never a retried `check()`. */
class Thumb {
  taps = 0;
  constructor(private page: Page) {}
  async tap(control: Locator) {
    this.taps += 1;
    await control.click();
  }
  /** A tap into a field, then the words typed (the keyboard, not taps). */
  async type(field: Locator, text: string) {
    await this.tap(field);
    await field.pressSequentially(text, { delay: 0 });
  }
}

test("an organizer signs in and logs a one-on-one with a rating and a follow-up in eight taps", async ({
  page,
  browser,
}) => {
  // The lead's part: a campaign of its own, an organizer invited to it, a coworker
  // assigned to them.
  await signIn(page);
  const campaign = await ownCampaign(page, "Day Campaign");
  await page.getByRole("link", { name: campaign, exact: true }).click();
  await page.getByRole("link", { name: "Members and invites" }).click();
  await waitForHydration(page);
  await page.getByLabel("Role", { exact: true }).selectOption("organizer");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = (await page.getByTestId("invite-link").textContent())!.trim();
  // A long address, as real ones are: it once pushed the members and coverage pages
  // sideways on a phone.
  const email = `${uniqueName("day-organizer-with-a-long-address").replace(/[^a-z0-9-]/gi, "").toLowerCase()}@e2e.example.org`;
  const password = "an organizer's long password";
  const phone = await browser.newContext({
    javaScriptEnabled: !noJs(),
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    isMobile: true,
  });
  const org = await phone.newPage();
  await acceptInvite(org, link, email, password);
  await org.getByRole("button", { name: "Sign out" }).click();
  await expect(org.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await page.goto(page.url().replace(/\/members(\?.*)?$/, "/coworkers"));
  await waitForHydration(page);
  const name = uniqueName("Dana");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add coworker" }).click();
  await page.getByTestId("coworker-list").getByRole("link", { name }).click();
  await waitForHydration(page);
  const edit = page.getByTestId("coworker-edit");
  await edit.getByLabel("Assigned organizer").selectOption({ label: email });
  await submit(page, edit.getByRole("button", { name: "Save" }));
  await expect(page.getByText("Saved.")).toBeVisible();
  const coworkerPage = new URL(page.url()).pathname;
  // The lead's pages that list the organizer fit the phone.
  for (const link of ["Members and invites", "Coverage"]) {
    await page.goto(coworkerPage.replace(/\/coworkers\/\d+$/, ""));
    await page.getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByText(email).first()).toBeVisible();
    await expectNoSidewaysScroll(page);
  }

  // The organizer's day, counted from the sign-in page.
  const thumb = new Thumb(org);
  await org.goto("/login");
  await waitForHydration(org);
  await thumb.type(org.getByLabel("E-mail"), email);
  await thumb.type(org.getByLabel("Password"), password);
  await thumb.tap(org.getByRole("button", { name: "Sign in" }));
  // One campaign: straight to My list, the organizer's home, with the person on it.
  await expect(org).toHaveURL(/\/campaigns\/\d+\/my$/);
  await waitForHydration(org);
  await expectNoSidewaysScroll(org);
  await thumb.tap(org.getByRole("link", { name: `Log a one-on-one with ${name}` }));
  await expect(org.getByRole("heading", { level: 1 })).toContainText(name);
  await waitForHydration(org);
  const form = org.getByTestId("log-form");
  await thumb.tap(form.getByText("2 · supporter"));
  await thumb.tap(form.getByText("In a week"));
  await thumb.type(form.getByLabel("Notes"), "Will bring two coworkers to the meeting.");
  await thumb.tap(form.getByRole("button", { name: "Save" }));
  await expect(org).toHaveURL(/\/my\?logged=\d+$/);
  await expect(org.getByTestId("logged")).toHaveText("Saved the one-on-one.");
  expect(thumb.taps).toBeLessThanOrEqual(8);
  await expectNoSidewaysScroll(org);

  // Stored as logged: the rating, the notes and the follow-up a week after today.
  await page.goto(coworkerPage);
  const conversations = page.getByTestId("conversations");
  await expect(conversations).toContainText("Will bring two coworkers to the meeting.");
  const inAWeek = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const day = `${inAWeek.getUTCDate()} ${months[inAWeek.getUTCMonth()]} ${inAWeek.getUTCFullYear()}`;
  await expect(conversations.getByTestId("follow-up")).toContainText(`Follow up on`);
  await expect(conversations.getByTestId("follow-up")).toContainText(day);
  await expect(page.getByTestId("rating-timeline")).toContainText("2 · supporter");
  await phone.close();
});
