import { Page, TestInfo, test } from "@playwright/test";

/** Waits until the WASM app has hydrated; returns at once when JavaScript is off. */
export async function waitForHydration(page: Page) {
  const info: TestInfo = test.info();
  if (info.project.use.javaScriptEnabled === false) return;
  await page.waitForFunction(() => document.body.dataset.hydrated === "true", null, {
    timeout: 15_000,
  });
}

let counter = 0;
/** Names unique within a run, so tests sharing one database do not see each other. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base} ${Date.now().toString(36)}-${counter}`;
}
