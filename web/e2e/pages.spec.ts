import { TEMPLATE, checkBasics, expect, shoot, signInPage, test, totp } from "./support";

// Every page in both languages: its direction, its basics and no console error; and the
// account's pages at work (two-step login, API keys, webhooks).

const PUBLIC = ["/", `/templates/${TEMPLATE}`, "/pricing", "/login", "/signup", "/no-such-page"];
const PRIVATE = ["/renders", "/wallet", "/account", "/account/api-keys", "/account/webhooks"];

test("Persian is right to left, English left to right, one click apart", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("قالب‌های ویدیویی");
  await page.getByRole("button", { name: "Switch to English" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Video templates");
  await shoot(page, "catalog-en");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await page.getByRole("button", { name: "به فارسی" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
});

for (const lang of ["fa", "en"] as const) {
  test(`every page in ${lang} has its basics and no console error`, async ({ page, request }) => {
    await signInPage(page, request);
    await page.addInitScript((l) => localStorage.setItem("flatrender.lang", l), lang);
    for (const path of [...PUBLIC, ...PRIVATE]) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveAttribute("dir", lang === "fa" ? "rtl" : "ltr");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.locator(".loading")).toHaveCount(0);
      await checkBasics(page);
      if (lang === "en") await shoot(page, `en${path.replaceAll("/", "-") || "-home"}`);
    }
  });
}

test("two-step login: a QR code, the code confirms it, recovery codes once, then login asks for a code", async ({
  page,
  request,
}) => {
  const { email } = await signInPage(page, request);
  await page.goto("/account");
  await page.getByRole("button", { name: "فعال‌سازی ورود دومرحله‌ای" }).click();
  await expect(page.getByTestId("mfa-qr")).toBeVisible();
  const secret = (await page.locator(".two-step code").textContent())!.trim();
  await checkBasics(page);
  await shoot(page, "account-mfa");
  await page.getByLabel("کد شش‌رقمی").fill(totp(secret));
  await page.getByRole("button", { name: "تأیید و فعال‌سازی" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await page.getByRole("button", { name: "خروج از حساب" }).click();
  await expect(page.getByRole("link", { name: "ورود" })).toBeVisible();

  await page.goto("/login");
  await page.getByLabel("ایمیل").fill(email);
  await page.getByLabel("گذرواژه").fill("a long password 1");
  await page.getByRole("button", { name: "ورود" }).click();
  await expect(page.getByRole("heading", { name: "ورود دومرحله‌ای" })).toBeVisible();
  // A code is good once: the next period's (the gateway allows one step of clock drift).
  await page.getByLabel("کد شش‌رقمی برنامهٔ احراز هویت").fill(totp(secret, Date.now() + 30_000));
  await page.getByRole("button", { name: "تأیید" }).click();
  await expect(page.getByRole("link", { name: "حساب کاربری" })).toBeVisible();
});

test("a reload while the token refresh is in flight keeps the customer signed in", async ({ page, request }) => {
  await signInPage(page, request);
  // The gateway takes the refresh token and answers a new one, but the page reloads before the
  // answer reaches it (the answer is held here, then lost with the page): the reloaded page asks
  // again with the token it still has, and must not be signed out for it.
  let answered!: (status: number | string) => void;
  const gatewayAnswered = new Promise<number | string>((resolve) => (answered = resolve));
  await page.route(
    "**/v1/auth/refresh",
    async (route) => {
      try {
        answered((await route.fetch()).status());
      } catch (error) {
        answered(String(error));
      }
    },
    { times: 1 },
  );
  await page.goto("/renders");
  expect(await gatewayAnswered, "the gateway's answer to the held refresh").toBe(200);
  await page.reload();
  await expect(page.getByRole("link", { name: "حساب کاربری" })).toBeVisible();
  await expect(page.locator(".loading")).toHaveCount(0);
  await expect(page).toHaveURL(/\/renders$/);
  await page.goto("/account");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("حساب کاربری");
});

test("API keys are shown once, rotated and revoked; a webhook is made with its secret", async ({ page, request }) => {
  await signInPage(page, request);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto("/account/api-keys");
  await page.getByLabel("نام", { exact: true }).fill("سایت فروشگاه");
  await page.getByRole("button", { name: "ساخت کلید" }).click();
  await expect(page.getByTestId("new-key").locator("code")).toHaveText(/^frk_/);
  await expect(page.getByRole("row", { name: /سایت فروشگاه/ })).toHaveCount(1);
  await page.getByRole("button", { name: "کلید جایگزین" }).click();
  await expect(page.getByTestId("new-key")).toContainText("کلید قبلی تا");
  await expect(page.getByRole("row", { name: /سایت فروشگاه/ })).toHaveCount(2);
  await page.getByRole("button", { name: "ابطال" }).first().click();
  await expect(page.getByRole("cell", { name: "باطل شده" })).toHaveCount(1);
  await checkBasics(page);
  await shoot(page, "api-keys");

  await page.goto("/account/webhooks");
  await page.getByLabel("نشانی (https)").fill("https://hooks.example.com/flatrender");
  await page.getByRole("button", { name: "ساخت وب‌هوک" }).click();
  await expect(page.getByTestId("webhook-secret").locator("code")).toHaveText(/^whsec_/);
  await page.getByRole("button", { name: "ارسال‌ها" }).click();
  await expect(page.getByText("هنوز چیزی ارسال نشده است.")).toBeVisible();
  await checkBasics(page);
  await shoot(page, "webhooks");
});

test("the coming-soon overlay counts down to the launch in Persian, and lets a visitor in", async ({ page }) => {
  // The switch is the gateway's configuration (flatrender dev --coming-soon); this farm runs
  // without it, so its answer is given here. GatewaySiteTest checks the gateway's side.
  const launch = new Date(Date.now() + 3 * 86_400_000 + 5 * 3_600_000);
  await page.route("**/v1/site", (route) =>
    route.fulfill({ json: { coming_soon: { launch_at: launch.toISOString() } } }),
  );
  await page.goto("/");
  const overlay = page.getByRole("dialog", { name: "نسخهٔ آزمایشی فلت‌رندر" });
  await expect(overlay).toBeVisible();
  await expect(page.getByTestId("countdown")).toContainText("۳روز");
  await expect(page.getByTestId("countdown")).toContainText(/[۰-۹]+ساعت/);
  await checkBasics(page);
  await shoot(page, "coming-soon");
  await overlay.getByRole("button", { name: "ورود به نسخهٔ آزمایشی" }).click();
  await expect(overlay).toBeHidden();
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("قالب‌های ویدیویی");
  await expect(overlay).toBeHidden();
});
