import { test, expect, Page } from "@playwright/test";
import { assignedCoworker, noJs, signIn, submit, waitForHydration } from "./helpers";

test("from My list to a saved one-on-one in a few taps", async ({ page }) => {
  await signIn(page);
  const name = await assignedCoworker(page);
  await page.goto(page.url().replace(/\/coworkers\/\d+(\?.*)?$/, "/my"));
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

/** Signs in and opens the log form for a new coworker assigned to the lead. */
async function openLogForm(page: Page): Promise<string> {
  await signIn(page);
  const name = await assignedCoworker(page);
  await page.goto(page.url().replace(/\/coworkers\/(\d+)(\?.*)?$/, "/coworkers/$1/log"));
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  return name;
}

test("a mistake on the log form is shown beside its field", async ({ page }) => {
  await openLogForm(page);
  const posts: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().includes("/api/conversations/log")) posts.push(r.url());
  });
  const form = page.getByTestId("log-form");
  // An answer with no ask: the server's own rule, checked before anything is sent.
  await form.getByLabel("Yes", { exact: true }).check();
  await form.getByLabel("Notes").fill("Asked about the petition.");
  if (noJs()) {
    await submit(page, form.getByRole("button", { name: "Save" }));
  } else {
    await form.getByRole("button", { name: "Save" }).click();
  }
  await expect(page.locator("#log-ask-error")).toHaveText(
    "Say what you asked, or leave the answer empty.",
  );
  // Nothing typed was lost: in the island nothing was sent; without JavaScript the
  // answer is the form's page again, as typed.
  await expect(form.getByLabel("Notes")).toHaveValue("Asked about the petition.");
  await expect(form.getByLabel("Yes", { exact: true })).toBeChecked();
  if (!noJs()) {
    expect(posts).toEqual([]);
    await expect(page).toHaveURL(/\/log(\?|$)/);
  }
  // Mended, it saves.
  await form.getByLabel("The ask (what you asked them to do").fill("Sign the petition");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/my\?logged=\d+$/);
  await expect(page.getByTestId("logged")).toHaveText("Saved the one-on-one.");
});

test("a one-on-one saved with no signal keeps what was typed", async ({ page, context }) => {
  test.skip(noJs(), "without JavaScript the browser itself reports the failed post");
  const name = await openLogForm(page);
  const form = page.getByTestId("log-form");
  await form.getByLabel("3 · undecided").check();
  await form.getByLabel("Notes").fill("Night shift, worried about the new rota.");
  await context.setOffline(true);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert").filter({ hasText: "Could not reach the server" })).toBeVisible();
  await expect(form.getByLabel("Notes")).toHaveValue("Night shift, worried about the new rota.");
  await expect(form.getByLabel("3 · undecided")).toBeChecked();
  // Back in signal, but the answer is lost on its way back: the server stored the log,
  // the phone did not hear it.
  await context.setOffline(false);
  let reached = 0;
  await page.route("**/api/conversations/log*", async (route) => {
    reached += 1;
    await route.fetch(); // the server stores it...
    await route.abort("internetdisconnected"); // ...and the answer never arrives
  });
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert").filter({ hasText: "Could not reach the server" })).toBeVisible();
  expect(reached).toBe(1);
  await page.unroute("**/api/conversations/log*");
  // The same form, sent again, is stored once.
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/my\?logged=\d+$/);
  await page.goto(page.url().replace(/\/my\?.*$/, "/chart"));
  await page.getByRole("link", { name: new RegExp(`${name}, 3 · undecided`) }).click();
  const conversations = page.getByTestId("conversations");
  await expect(conversations).toContainText("Night shift, worried about the new rota.");
  await expect(conversations.getByText("Night shift, worried about the new rota.")).toHaveCount(1);
});

/** Sets the campaign's issues on its coverage page (a lead's loop settings). */
async function setIssues(page: Page, campaign: string, issues: string) {
  await page.goto(`${campaign}/coverage`);
  const settings = page.getByTestId("settings-form");
  await settings.getByLabel("Issues one-on-ones are tagged with").fill(issues);
  await submit(page, settings.getByRole("button", { name: "Save settings" }));
  await page.reload();
  await expect(settings.getByLabel("Issues one-on-ones are tagged with")).toHaveValue(issues);
}

// The phone checks what it can with the rules it was given when the page loaded; the
// server checks again. An issue the lead withdrew after the form was opened passes the
// phone's check and is refused by the server: the refusal comes back as the form's page,
// its reason beside the issues, the notes as typed, and nothing stored.
test("a refusal the phone could not foresee comes back beside its field, nothing lost", async ({
  page,
  context,
}) => {
  const name = await openLogForm(page);
  const log = page.url();
  const campaign = log.replace(/\/coworkers\/.*$/, "");
  const lead = await context.newPage();
  await lead.goto(`${campaign}/coverage`);
  const before = await lead
    .getByTestId("settings-form")
    .getByLabel("Issues one-on-ones are tagged with")
    .inputValue();
  const withdrawn = `rota-${Date.now() % 100000}`;
  await setIssues(lead, campaign, `${before}, ${withdrawn}`);
  try {
    await page.reload();
    await waitForHydration(page);
    const form = page.getByTestId("log-form");
    await form.getByLabel(withdrawn).check();
    await form.getByLabel("Notes").fill("Asked about the rota; withdrawn issue.");
    await setIssues(lead, campaign, before);

    await form.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#log-issues-error")).toHaveText(
      `'${withdrawn}' is not one of this campaign's issues.`,
    );
    await expect(page).toHaveURL(/\/log(\?|$)/);
    await expect(form.getByLabel("Notes")).toHaveValue("Asked about the rota; withdrawn issue.");
    await expect(form.getByLabel("Notes")).toHaveAttribute("aria-invalid", "false");
    await page.goto(log.replace(/\/log(\?.*)?$/, ""));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
    await expect(page.getByText("withdrawn issue")).toHaveCount(0);
  } finally {
    await setIssues(lead, campaign, before);
  }
});
