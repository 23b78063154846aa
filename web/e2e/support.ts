import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Secret, TOTP } from "otpauth";
import { expect, test as base, type APIRequestContext, type Page } from "@playwright/test";

// What every browser test shares: the farm's addresses, a screenshot helper, the basic checks
// every page must pass (a title, alt text on images, a label on every form field), and a watch
// on the console that fails a test on any error the test did not expect.

// As playwright.config.ts resolves it (the tests run in web/).
export const ARTIFACTS = resolve(process.env.FLATRENDER_ARTIFACTS || "test-results");
export const TEMPLATE = process.env.FLATRENDER_TEMPLATE ?? "opener";
export const PASSWORD = "a long password 1";

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

interface Fixtures {
  /** Console messages this test expects (e.g. a 401 on a wrong password); any other error fails it. */
  expectConsole: (pattern: RegExp) => void;
}

export const test = base.extend<Fixtures>({
  expectConsole: [
    async ({ page, baseURL }, use) => {
      const allowed: RegExp[] = [];
      const errors: string[] = [];
      // This site's pages only: the ZarinPal emulator's payment page is not ours.
      const ours = () => baseURL !== undefined && page.url().startsWith(new URL(baseURL).origin);
      page.on("console", (message) => {
        if (message.type() === "error" && ours()) errors.push(`${message.text()} (${message.location().url})`);
      });
      page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
      await use((pattern) => allowed.push(pattern));
      const unexpected = errors.filter((e) => !allowed.some((p) => p.test(e)));
      expect(unexpected, "console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The page at a desktop's 1280 px and a phone's 390 px, saved under screens/. */
export async function shoot(page: Page, name: string, phone = true): Promise<void> {
  const dir = join(ARTIFACTS, "screens");
  mkdirSync(dir, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.screenshot({ path: join(dir, `${name}-1280.png`), fullPage: true });
  if (!phone) return;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(dir, `${name}-390.png`), fullPage: true });
  await page.setViewportSize(size);
}

/** Lighthouse's basics: a title, alt text on every image, a label for every form field. */
export async function checkBasics(page: Page): Promise<void> {
  await expect(page).toHaveTitle(/\S/);
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    document.querySelectorAll("img").forEach((img) => {
      if (!img.hasAttribute("alt")) out.push(`img without alt: ${img.src.slice(0, 80)}`);
    });
    document
      .querySelectorAll("input:not([type=hidden]), select, textarea")
      .forEach((el) => {
        const field = el as HTMLInputElement;
        const labelled =
          (field.labels && field.labels.length > 0) ||
          field.hasAttribute("aria-label") ||
          field.hasAttribute("aria-labelledby");
        if (!labelled) out.push(`field without a label: ${field.outerHTML.slice(0, 120)}`);
      });
    if (document.querySelectorAll("h1").length !== 1) out.push(`h1 count ${document.querySelectorAll("h1").length}`);
    return out;
  });
  expect(problems, "page basics").toEqual([]);
}

/** A customer made through the API (the tests that are not about signing up). */
export async function signUpByApi(request: APIRequestContext, email = uniqueEmail("api")) {
  const res = await request.post("/v1/auth/signup", {
    data: { email, password: PASSWORD, name: "آزمون" },
  });
  expect(res.status(), await res.text()).toBe(201);
  const session = await res.json();
  return { email, session };
}

/** Signs the page in as a customer made through the API: its refresh token, where the app keeps it. */
export async function signInPage(page: Page, request: APIRequestContext): Promise<{ email: string; token: string }> {
  const { email, session } = await signUpByApi(request);
  await page.addInitScript((token) => {
    if (!sessionStorage.getItem("flatrender.test.signedIn")) {
      localStorage.setItem("flatrender.refresh", token);
      sessionStorage.setItem("flatrender.test.signedIn", "1");
    }
  }, session.refresh_token as string);
  return { email, token: session.access_token as string };
}

export async function login(request: APIRequestContext, email: string): Promise<string> {
  const res = await request.post("/v1/auth/login", { data: { email, password: PASSWORD } });
  expect(res.status()).toBe(200);
  return (await res.json()).access_token as string;
}

/** What an authenticator app shows for a base32 secret now (RFC 6238: SHA-1, 6 digits, 30 s). */
export function totp(secret: string, timestamp = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp });
}
