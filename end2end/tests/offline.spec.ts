import { test, expect } from "@playwright/test";
import {
  acceptInvite,
  addCoworkerAndOpen,
  assignedCoworker,
  inviteLink,
  keepWorkingSet,
  keptPages,
  keptRefusedRating,
  noJs,
  signIn,
  submit,
  uniqueName,
  waitForHydration,
  workingSetKept,
} from "./helpers";

// The worker is what this file tests: let it run (the config blocks it elsewhere).
test.use({ serviceWorkers: "allow" });

test("My list and the coworkers on it stay readable with no signal, and sign-out leaves nothing", async ({
  page,
  context,
}) => {
  test.skip(noJs(), "a service worker needs JavaScript; without it every page is the server's");
  const { name, coworker, my } = await workingSetKept(page);
  await expect(page.getByText(name).first()).toBeVisible();
  const kept = await keptPages(page);
  expect(
    kept.every((p) => /^\/(outbox|campaigns\/\d+\/(my|coworkers\/\d+(\/log)?))$/.test(p)),
    kept.join(" "),
  ).toBe(true);

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
  // Nothing of the chart stays: no kept page, no outbox. (The sign-in page's new worker
  // may fetch the app's code again: that is public, the same for everyone.)
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const left: string[] = [];
        for (const name of await caches.keys()) {
          const cache = await caches.open(name);
          for (const r of await cache.keys()) left.push(new URL(r.url).pathname);
        }
        return left.filter((path) => !path.startsWith("/pkg/"));
      }),
    )
    .toEqual([]);
  // The outbox holds nothing (the sign-in page's worker may open it again, empty).
  const waiting = await page.evaluate(async () => {
    // Opening a database that is not there would make it (empty, with no store): look first.
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes("rankfile-outbox")) return 0;
    return new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("rankfile-outbox");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("items")) return resolve(0);
          const count = db.transaction("items").objectStore("items").count();
          count.onsuccess = () => resolve(count.result);
        };
      });
  });
  expect(waiting).toBe(0);
});

test("one-on-ones logged with no signal wait on the phone and are sent once when it is back", async ({
  page,
  context,
}) => {
  test.skip(noJs(), "the outbox is the worker's; without JavaScript every form is sent at once");
  const { name, coworker, my } = await workingSetKept(page);
  const count = page.getByTestId("outbox-count");
  await expect(count).toBeHidden();

  await context.setOffline(true);
  const notes = ["Basement talk one: the rota.", "Basement talk two: the heat."];
  for (const [i, note] of notes.entries()) {
    // The kept log form: hydrated where the WebAssembly is kept too (its own send fails,
    // then it posts natively), a plain form otherwise (posted natively): kept either way.
    await page.goto(`${coworker}/log`);
    const form = page.getByTestId("log-form");
    await form.getByLabel("Notes").fill(note);
    await form.getByRole("button", { name: "Save" }).click();
    // Kept, and back on My list (the kept copy), saying so.
    await expect(page).toHaveURL(new RegExp(`${my}\\?waiting=1$`));
    await expect(page.getByTestId("kept-notice")).toBeVisible();
    await expect(count).toHaveText(`${i + 1} waiting to send`);
  }
  // Still there after a reload, and listed (by kind, never by name) on the outbox page.
  await page.goto("/outbox");
  await expect(count).toHaveText("2 waiting to send");
  await expect(page.getByTestId("outbox-items").locator("li")).toHaveCount(2);
  await expect(page.getByTestId("outbox-items")).not.toContainText(name);

  await context.setOffline(false);
  await page.goto(my);
  await expect(count).toBeHidden({ timeout: 15_000 });
  await page.goto(coworker);
  const conversations = page.getByTestId("conversations");
  for (const note of notes) await expect(conversations.getByText(note)).toHaveCount(1);
  // Sent again (a page load asks the worker to send): nothing more is stored.
  await page.reload();
  for (const note of notes) await expect(conversations.getByText(note)).toHaveCount(1);
});

test("a rating the server refuses stays on the phone with its reason until discarded; a good one is stored once", async ({
  page,
  context,
}) => {
  test.skip(noJs(), "the outbox is the worker's; without JavaScript every form is sent at once");
  test.slow(); // the working set kept, two posts kept offline, then sent
  const { coworker } = await workingSetKept(page);
  const count = page.getByTestId("outbox-count");

  await context.setOffline(true);
  // From the kept coworker page: one rating with too long a note (the server refuses
  // it), one good one. Each form opened from the copy is a rating of its own.
  for (const [rating, note] of [["3", "n".repeat(1001)], ["2", "At the break: in."]]) {
    await page.goto(coworker);
    const form = page.getByTestId("rate-form");
    await form.getByLabel(`${rating} · `).check();
    await form.getByLabel("Note").fill(note);
    await form.getByRole("button", { name: "Save rating" }).click();
    await expect(page.getByTestId("kept-notice")).toBeVisible();
  }
  await expect(count).toHaveText("2 waiting to send");

  await context.setOffline(false);
  await page.goto("/outbox");
  await expect(count).toHaveText("1 not sent", { timeout: 15_000 });
  const refused = page.getByTestId("outbox-items").locator('li[data-state="refused"]');
  await expect(refused).toContainText("Not sent: The note can be at most 1000 characters.");
  await expect(refused).toContainText("A rating (3)");

  await page.goto(coworker);
  await expect(page.getByTestId("rating-timeline").locator("li")).toHaveCount(1);
  await expect(page.getByTestId("rating-timeline")).toContainText("2 · supporter");
  await page.reload(); // a page load sends again what waits: nothing more is stored
  await expect(page.getByTestId("rating-timeline").locator("li")).toHaveCount(1);

  await page.goto("/outbox");
  await page.getByRole("button", { name: "Discard" }).click();
  await expect(page.getByTestId("outbox-items").locator("li")).toHaveCount(0);
  await expect(count).toBeHidden();
});

// The tab is closed while its log is on the way: the server stored it, the phone never
// heard. The item still waits; the next page sends it again and the server, knowing its
// client id, stores nothing more.
test("a log whose answer was lost as the tab closed is stored once when sent again", async ({
  page,
  context,
}) => {
  test.skip(noJs(), "the outbox is the worker's; without JavaScript every form is sent at once");
  test.slow();
  const { coworker, my } = await workingSetKept(page);
  const count = page.getByTestId("outbox-count");
  await context.setOffline(true);
  await page.goto(`${coworker}/log`);
  const note = `Lost answer ${Date.now()}: the rota again.`;
  await page.getByTestId("log-form").getByLabel("Notes").fill(note);
  await page.getByTestId("log-form").getByRole("button", { name: "Save" }).click();
  await expect(count).toHaveText("1 waiting to send");

  // Back in signal: the worker's send reaches the server (stored), and the tab is closed
  // while the answer is on its way; the answer never arrives. Whatever else the worker
  // sends meanwhile meets no signal.
  let phase: "lost" | "back" = "lost";
  let reached = 0;
  let resent = 0;
  let release = () => {};
  const closed = new Promise<void>((r) => (release = r));
  await context.route("**/api/conversations/log*", async (route) => {
    if (phase === "back") {
      resent += 1;
      await route.continue();
      return;
    }
    reached += 1;
    if (reached === 1) await route.fetch();
    await closed;
    await route.abort("internetdisconnected").catch(() => {});
  });
  await context.setOffline(false);
  await page.goto(my);
  await expect.poll(() => reached, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  await page.close();
  release();
  phase = "back";

  const again = await context.newPage();
  await again.goto(my);
  await expect(again.getByTestId("outbox-count")).toBeHidden({ timeout: 15_000 });
  expect(resent, "the item was still waiting, and was sent again").toBeGreaterThanOrEqual(1);
  await context.unroute("**/api/conversations/log*");
  await again.goto(coworker);
  await expect(again.getByTestId("conversations").getByText(note)).toHaveCount(1);
  await again.reload();
  await expect(again.getByTestId("conversations").getByText(note)).toHaveCount(1);
});

// A refused post is corrected where it was made: "Correct it" opens its page with the
// form as it was typed (the rating, the note, when it was taken), the member fixes the
// note and saves, and the refused copy is gone from the phone.
test("a refused rating is corrected on its own form, as typed, and the refused copy goes", async ({
  page,
  context,
}) => {
  test.skip(noJs(), "the outbox is the worker's; without JavaScript every form is sent at once");
  test.slow();
  const { coworker } = await workingSetKept(page);
  const count = page.getByTestId("outbox-count");
  await keptRefusedRating(page, context, coworker);
  await page.goto("/outbox");
  await expect(count).toHaveText("1 not sent", { timeout: 15_000 });
  await page.getByRole("button", { name: "Correct it" }).click();

  await expect(page).toHaveURL(new RegExp(`${coworker}(\\?|$)`));
  await expect(page.getByTestId("correcting-notice")).toBeVisible();
  const again = page.getByTestId("rate-form");
  await expect(again.getByLabel("4 · ")).toBeChecked();
  await expect(again.getByLabel("Note")).toHaveValue(`Too long: ${"n".repeat(1000)}`);
  // When it was taken goes with it: the rating keeps its place in time.
  await expect(again.locator('input[type=hidden][name="at"]')).toHaveValue(/^\d{4}-\d\d-\d\dT/);
  await again.getByLabel("Note").fill("Corrected: in, at the break.");
  await submit(page, again.getByRole("button", { name: "Save rating" }));

  await page.goto(coworker);
  await expect(page.getByTestId("rating-timeline").locator("li")).toHaveCount(1);
  await expect(page.getByTestId("rating-timeline")).toContainText("4 · ");
  await expect(page.getByTestId("rating-timeline")).toContainText("Corrected: in, at the break.");
  await expect(count).toBeHidden({ timeout: 15_000 });
  await page.goto("/outbox");
  await expect(page.getByTestId("outbox-items").locator("li")).toHaveCount(0);
});

// Two organizers, one coworker: an organizer rates in the basement (kept on the phone),
// then the lead rates the same coworker with signal. When the phone sends its rating
// later, it takes its place in the history by when it was taken, and the lead's newer
// rating stays the current one.
test("a rating kept on a phone never overwrites a second organizer's newer one", async ({
  page,
  browser,
}) => {
  test.skip(noJs(), "the outbox is the worker's; without JavaScript every form is sent at once");
  test.slow();
  // The lead invites an organizer and assigns them a new coworker.
  await signIn(page);
  const link = await inviteLink(page);
  const phone = await browser.newContext({
    serviceWorkers: "allow",
    viewport: { width: 360, height: 740 },
  });
  const org = await phone.newPage();
  const email = `${uniqueName("basement").replace(/[^a-z0-9-]/gi, "").toLowerCase()}@e2e.example.org`;
  await acceptInvite(org, link, email, "an organizer password, long enough");
  await page.goto("/");
  const name = await addCoworkerAndOpen(page, "Inés");
  const coworker = new URL(page.url()).pathname.replace(/\?.*$/, "");
  const edit = page.getByTestId("coworker-edit");
  await edit.getByLabel("Assigned organizer").selectOption({ label: email });
  await submit(page, edit.getByRole("button", { name: "Save" }));
  await expect(page.getByText("Saved.")).toBeVisible();

  // The organizer's phone keeps My list and the coworker's page.
  const my = await keepWorkingSet(org, coworker);

  // In the basement: a 4, kept.
  await phone.setOffline(true);
  await org.goto(coworker);
  await org.getByTestId("rate-form").getByLabel("4 · ").check();
  await org.getByTestId("rate-form").getByLabel("Note").fill("Basement: unsure.");
  await org.getByTestId("rate-form").getByRole("button", { name: "Save rating" }).click();
  await expect(org.getByTestId("kept-notice")).toBeVisible();

  // Later, with signal, the lead rates the same coworker a 2.
  await page.goto(coworker);
  await page.getByTestId("rate-form").getByLabel("2 · ").check();
  await page.getByTestId("rate-form").getByLabel("Note").fill("Canteen: in.");
  await submit(page, page.getByTestId("rate-form").getByRole("button", { name: "Save rating" }));

  // The phone comes back and sends its older rating.
  await phone.setOffline(false);
  await org.goto(my);
  await expect(org.getByTestId("outbox-count")).toBeHidden({ timeout: 15_000 });

  await page.goto(coworker);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  const timeline = page.getByTestId("rating-timeline");
  await expect(timeline.locator("li")).toHaveCount(2);
  await expect(timeline).toContainText("Basement: unsure.");
  await expect(page.getByTestId("coworker-rating")).toHaveText("2 · supporter");
  // Newest first: the lead's, then the phone's.
  await expect(timeline.locator("li").first()).toContainText("Canteen: in.");
  await phone.close();
});
