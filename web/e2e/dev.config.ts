import { defineConfig } from "@playwright/test";
export default defineConfig({
  testDir: ".",
  workers: 1,
  timeout: 600_000,
  expect: { timeout: 30_000 },
  use: {
    baseURL: process.env.FLATRENDER_URL,
    locale: "fa-IR",
    acceptDownloads: true,
    launchOptions: { executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] },
  },
});
