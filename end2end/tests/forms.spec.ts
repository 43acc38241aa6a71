import { test, expect, Page } from "@playwright/test";
import { addCoworkerAndOpen, noJs, signIn, uniqueName, waitForHydration } from "./helpers";

/** A new coworker's log form, reached as a person does: the chart, their page, Log. */
async function logFormOfNewCoworker(page: Page): Promise<string> {
  const name = await addCoworkerAndOpen(page, "Rosa");
  await page.getByRole("link", { name: "Log a one-on-one" }).click();
  await waitForHydration(page);
  return name;
}

// Notes over the limit and a follow-up date that is no date: both mistakes are shown at
// once beside their fields, the first one focused, and nothing typed is lost — whether
// the phone's WebAssembly checked the form or the server sent the page back.
test("a one-on-one with two mistakes keeps everything typed", async ({ page }) => {
  await signIn(page);
  await logFormOfNewCoworker(page);
  const form = page.getByTestId("log-form");
  const notes = "Nights are short-staffed. ".repeat(200);
  await form.getByLabel("2 · supporter").check();
  await form.getByLabel("Next step").fill("Ask about the night roster");
  await form.getByLabel("Notes").fill(notes);
  if (!noJs()) {
    // The counter follows the typing.
    await expect(page.getByTestId("notes-count")).toContainText("1,200 too many (up to 4,000)");
  }
  // A date input takes no free text; a date before the minimum still is refused by
  // nothing but the server, so set one the domain refuses: not a date (set directly).
  await form.getByLabel("Follow up on").evaluate((el) => {
    (el as HTMLInputElement).type = "text";
    (el as HTMLInputElement).value = "next tuesday";
  });
  await form.getByRole("button", { name: "Save" }).click();

  await expect(page.locator("#log-notes-error")).toContainText("at most 4000 characters");
  await expect(page.locator("#log-follow-error")).not.toBeEmpty();
  await expect(form.getByLabel("Notes")).toHaveValue(notes);
  await expect(form.getByLabel("Next step")).toHaveValue("Ask about the night roster");
  await expect(form.getByLabel("2 · supporter")).toBeChecked();
  await expect(form.getByLabel("Follow up on")).toBeFocused();
  await expect(form.getByLabel("Follow up on")).toBeInViewport();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);

  // Fixed where it stands, it saves.
  await form.getByLabel("Notes").fill("Nights are short-staffed.");
  await form.getByLabel("Follow up on").evaluate((el) => {
    (el as HTMLInputElement).value = "";
  });
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/my\?logged=\d+$/);
  await expect(page.getByTestId("logged")).toHaveText("Saved the one-on-one.");
});

test("a structure-test plan with mistakes keeps what was typed, on a laptop too", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await page.getByRole("link", { name: "E2E Campaign" }).click();
  await page.getByRole("link", { name: "Structure tests" }).click();
  await waitForHydration(page);
  const form = page.getByTestId("test-plan-form");
  const title = uniqueName("Staffing petition");
  await form.getByLabel("Kind").selectOption({ label: "Majority petition" });
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("What people are asked to do").fill("Sign for two more on nights.");
  await form.getByLabel("Goal (percent of the scope taking part)").fill("0");
  await form.getByLabel("Closes").fill("2027-03-01T07:00");
  await form.getByLabel("Opens").fill("2027-03-02T07:00");
  await form.getByRole("button", { name: "Plan it" }).click();

  await expect(page.locator("#test-closes-error")).toContainText("close after it opens");
  await expect(page.locator("#test-goal-error")).toContainText("from 1 to 100");
  await expect(form.getByLabel("Title")).toHaveValue(title);
  await expect(form.getByLabel("What people are asked to do")).toHaveValue(
    "Sign for two more on nights.",
  );
  await expect(form.getByLabel("Kind")).toHaveValue("petition");
  await expect(form.getByLabel("Closes")).toBeFocused();
});
