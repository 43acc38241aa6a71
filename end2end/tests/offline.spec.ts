import { test, expect, Page } from "@playwright/test";
import { assignedCoworker, noJs, signIn, waitForHydration } from "./helpers";

// The worker is what this file tests: let it run (the config blocks it elsewhere).
test.use({ serviceWorkers: "allow" });

/** How many coworker pages (and log forms) the worker keeps, read from the page. */
async function keptPages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith("rankfile-pages-")) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths.sort();
  });
}

test("My list and the coworkers on it stay readable with no signal, and sign-out leaves nothing", async ({
  page,
  context,
}) => {
  test.skip(noJs(), "a service worker needs JavaScript; without it every page is the server's");
  await signIn(page);
  const name = await assignedCoworker(page);
  const coworker = new URL(page.url()).pathname.replace(/\?.*$/, "");
  const my = coworker.replace(/\/coworkers\/\d+$/, "/my");
  await page.goto(my);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first load was the server's alone; from now on the worker sees each page.
  await page.reload();
  await expect(page.getByText(name).first()).toBeVisible();
  await expect
    .poll(() => keptPages(page), { timeout: 15_000 })
    .toEqual(expect.arrayContaining([my, coworker, `${coworker}/log`]));
  const kept = await keptPages(page);
  expect(kept.every((p) => /^\/campaigns\/\d+\/(my|coworkers\/\d+(\/log)?)$/.test(p)), kept.join(" ")).toBe(true);

  await context.setOffline(true);
  await page.goto(coworker);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);

  // Two log forms opened from one kept copy carry two ids: two logs, never one sent twice.
  const formId = async () => {
    await page.goto(`${coworker}/log`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
    return page.locator('input[name="client_id"]').first().inputValue();
  };
  const [first, second] = [await formId(), await formId()];
  expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(second).not.toBe(first);

  // A page that is not kept says so, instead of the browser's own error.
  await page.goto(my.replace(/\/my$/, "/chart"));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("No signal");

  await context.setOffline(false);
  await page.goto(my);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).length)).toBe(0);
});
