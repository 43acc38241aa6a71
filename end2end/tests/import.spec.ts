import { test, expect } from "@playwright/test";
import { expectAxeClean, expectNoSidewaysScroll, ownCampaign, signIn, submit } from "./helpers";

/** As Excel's "CSV" on Windows and most HR exports save a list: Windows-1252, CRLF. */
function windows1252List(): Buffer {
  return Buffer.from(
    [
      "Employee ID,Name,Department\r\n",
      "1001,Jos\xe9 Pe\xf1a,Caf\xe9\r\n",
      "1002,Ren\xe9e O\x92Brien,Pharmacy\r\n",
    ].join(""),
    "latin1",
  );
}

test("an employer's list in Windows-1252 reads right, and its encoding can be chosen", async ({ page }) => {
  await signIn(page);
  const campaign = await ownCampaign(page, "Encodings");
  await page.getByRole("link", { name: campaign, exact: true }).click();
  await page.goto(`${new URL(page.url()).pathname}/import`);
  await page.getByLabel("Roster file (CSV, up to 20 MB)").setInputFiles({
    name: "hr-export.csv",
    mimeType: "text/csv",
    buffer: windows1252List(),
  });
  await submit(page, page.getByRole("button", { name: "Upload and preview" }));
  await expect(page).toHaveURL(/\/import\/\d+/);
  const encoding = page.getByLabel("Read the file as");
  await expect(encoding).toHaveValue("windows-1252");
  const columns = page.getByTestId("mapping-form");
  await expect(columns).toContainText("José Peña");
  await expect(columns).toContainText("Renée O’Brien");
  await expectNoSidewaysScroll(page);
  await expectAxeClean(page);

  // Read as UTF-8 by choice: said why not, beside the choice; the list as guessed.
  await encoding.selectOption("UTF-8");
  await submit(page, page.getByRole("button", { name: "Check again" }));
  await expect(page.getByTestId("encoding-error")).toContainText("Line 2 is not UTF-8");
  await expect(page.getByLabel("Read the file as")).toHaveValue("windows-1252");

  // Applied as read: the chart has the people's names.
  await submit(page, page.getByRole("button", { name: "Apply" }));
  await expect(page.getByTestId("roster-status")).toHaveText("applied");
  await page.getByRole("link", { name: "See the chart" }).click();
  await expect(page.getByText("José Peña")).toBeVisible();
  await expect(page.getByText("Renée O’Brien")).toBeVisible();
});
