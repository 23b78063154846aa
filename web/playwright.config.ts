import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

// The browser tests of the web app (issue 20). tools' WebAppIT runs them against a real dev farm
// (`flatrender dev`): it sets the environment below, runs `npx playwright test` here, then checks
// results.json and what the specs left in FLATRENDER_ARTIFACTS (render.json, screens/).
//
//   FLATRENDER_URL        the gateway that serves the app, e.g. http://127.0.0.1:7700 (required)
//   FLATRENDER_ARTIFACTS  where the results, failures' screenshots, render.json and screens/ go
//                         (default: web/test-results)
//   CHROMIUM              the browser (default: Debian's /usr/bin/chromium; never a downloaded one)
//   ZARINPAL_URL, FLATRENDER_TEMPLATE  for the specs: the ZarinPal emulator, the seeded template
//
// By hand, against `tools/flatrender dev`:
//   cd web && FLATRENDER_URL=http://127.0.0.1:7700 npx playwright test

const here = path.dirname(fileURLToPath(import.meta.url));

const baseURL = process.env.FLATRENDER_URL;
if (!baseURL) {
  throw new Error(
    "FLATRENDER_URL is not set: the browser tests need the gateway that serves the app, e.g. " +
      "FLATRENDER_URL=http://127.0.0.1:7700 npx playwright test (start one with tools/flatrender dev)",
  );
}
const artifacts = path.resolve(here, process.env.FLATRENDER_ARTIFACTS || "test-results");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  // A test renders a video on the farm.
  timeout: 10 * 60 * 1000,
  expect: { timeout: 30 * 1000 },
  reporter: [["list"], ["json", { outputFile: path.join(artifacts, "results.json") }]],
  outputDir: path.join(artifacts, "test-results"),
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    locale: "fa-IR",
    acceptDownloads: true,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      // As root in a container: no sandbox, and /dev/shm is small.
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    },
  },
});
