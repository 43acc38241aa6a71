import { defineConfig, devices } from "@playwright/test";
import * as path from "node:path";

// Never `npx playwright install`: these machines cannot download browsers.
const chromium = process.env.RANKFILE_CHROMIUM ?? "/usr/bin/chromium";
const port = Number(process.env.RANKFILE_E2E_PORT ?? 3456);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const binary = process.env.RANKFILE_BIN ?? path.join(targetDir, "release", "rankfile");
const dataDir = path.join(__dirname, ".data");
// The first lead, created the way a real deployment creates it: on the command line,
// password on standard input.
export const LEAD_EMAIL = "lead@e2e.example.org";
export const LEAD_PASSWORD = "e2e lead password, long enough";

const launchOptions = {
  executablePath: chromium,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// Phones first: every project runs at a 360 px wide viewport.
const phone = {
  ...devices["Pixel 5"],
  viewport: { width: 360, height: 740 },
  launchOptions,
};

// A laptop: the wall chart is read here, at 1280 px.
const desktop = {
  ...devices["Desktop Chrome"],
  viewport: { width: 1280, height: 900 },
  launchOptions,
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    // The service worker answers pages from its copies when the network fails: only
    // offline.spec.ts, which tests it, lets it run; elsewhere every request is the
    // server's (and a test's own routes see it).
    serviceWorkers: "block",
  },
  projects: [
    { name: "hydrated", use: { ...phone, javaScriptEnabled: true }, testIgnore: /desktop\.spec\.ts/ },
    { name: "no-js", use: { ...phone, javaScriptEnabled: false }, testIgnore: /desktop\.spec\.ts/ },
    // The chart, the map and the coverage page at a desktop's width.
    { name: "desktop", use: { ...desktop, javaScriptEnabled: true }, testMatch: /desktop\.spec\.ts/ },
  ],
  webServer: {
    // A fresh database for every run; the server binary is the release build.
    command:
      `rm -rf "${dataDir}" && ` +
      `printf '%s\\n' "${LEAD_PASSWORD}" | "${binary}" user create --email ${LEAD_EMAIL} --lead-of "E2E Campaign" && ` +
      `"${binary}" serve`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      RANKFILE_ADDR: `127.0.0.1:${port}`,
      RANKFILE_DATA_DIR: dataDir,
      RANKFILE_SITE_ROOT: path.join(root, "target", "site"),
      RANKFILE_LOG: "warn",
    },
  },
});
