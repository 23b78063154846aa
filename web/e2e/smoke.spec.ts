import { expect, test } from "@playwright/test";

// The harness's own check (issue 20): the gateway serves the app, right to left, with a title.
test("the app loads at / right to left, with a title", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page).toHaveTitle(/\S/);
});
