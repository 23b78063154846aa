import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "@playwright/test";
import { ARTIFACTS, PASSWORD, TEMPLATE, checkBasics, expect, login, shoot, test, uniqueEmail } from "./support";

// A customer's whole way through, as the issue lists it: sign up, the catalog's farm-rendered
// covers, a template's editor with its live preview and quote, a plan bought at the ZarinPal
// emulator, the render followed to 100 %, and its MP4 downloaded. WebAppIT then checks the file
// against the render with ffprobe (render.json names both).

const TITLE = "جشن بزرگ فلت‌رندر";

function persian(n: number): string {
  return String(n).replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]);
}

/** The bytes' digest of the preview still now shown: a changed still is a different image. */
async function previewDigest(page: Page): Promise<string> {
  const image = page.getByTestId("preview-image");
  await expect(image).toHaveAttribute("src", /^blob:/);
  await expect(page.getByTestId("preview")).toHaveAttribute("aria-busy", "false");
  // The decoded pixels, hashed (the page's CSP keeps fetch from blob: URLs, rightly).
  return image.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d")!;
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const digest = await crypto.subtle.digest("SHA-256", pixels);
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    return `${img.naturalWidth}x${img.naturalHeight}:${hex}`;
  });
}

async function quoteRial(page: Page): Promise<number> {
  const price = page.getByTestId("quote-price");
  await expect(price).toBeVisible();
  return Number(await price.getAttribute("data-rial"));
}

test("a customer signs up, edits a template in Persian, buys a plan, renders and downloads the video", async ({
  page,
  request,
}) => {
  // A whole video on a node that shares two cores with the farm and the browser.
  test.setTimeout(20 * 60 * 1000);
  const email = uniqueEmail("journey");

  // Sign up.
  await page.goto("/signup");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "fa");
  await checkBasics(page);
  await shoot(page, "signup");
  await page.getByLabel("نام", { exact: true }).fill("مریم رضایی");
  await page.getByLabel("ایمیل").fill(email);
  await page.getByLabel("گذرواژه").fill(PASSWORD);
  await page.getByRole("button", { name: "ساخت حساب" }).click();
  await expect(page).toHaveURL(/\/$/);

  // The catalog: the template's farm-rendered cover loads and has bytes; its preview plays on hover.
  const card = page.locator(`[data-testid=template-card][data-template="${TEMPLATE}"]`);
  await expect(card).toBeVisible();
  const cover = card.locator("img");
  await cover.scrollIntoViewIfNeeded();
  await expect(cover).toHaveJSProperty("complete", true);
  expect(await cover.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const coverUrl = await cover.getAttribute("src");
  const coverBytes = await (await request.get(coverUrl!)).body();
  expect(coverBytes.length).toBeGreaterThan(1000);
  await expect(cover).toHaveAttribute("alt", /\S/);
  await checkBasics(page);
  await shoot(page, "catalog");
  await card.hover();
  const preview = card.locator("video");
  await expect(preview).toBeVisible();
  await expect
    .poll(() => preview.evaluate((v: HTMLVideoElement) => v.readyState), { message: "the preview video loads" })
    .toBeGreaterThanOrEqual(2);
  // Desktop only: resizing would end the hover.
  await shoot(page, "catalog-preview", false);

  // The editor: a Persian title changes the live preview.
  await card.getByRole("link").last().click();
  await expect(page).toHaveURL(new RegExp(`/templates/${TEMPLATE}$`));
  const before = await previewDigest(page);
  const title = page.getByLabel("عنوان", { exact: true });
  await title.fill(TITLE);
  // The live counter, in code points (the ZWNJ counts) and Persian digits.
  await expect(page.getByText(`${persian([...TITLE].length)} از ۳۶ نویسه`)).toBeVisible();
  await expect.poll(() => previewDigest(page), { message: "the preview changes with the title" }).not.toBe(before);
  await checkBasics(page);
  await shoot(page, "editor");

  // 9:16 and 720p: the quote changes with the tier.
  const at1080 = await quoteRial(page);
  await page.getByRole("radio", { name: /عمودی/ }).check();
  await page.getByLabel("کیفیت").selectOption("720p");
  await expect.poll(() => quoteRial(page), { message: "the quote follows the tier" }).not.toBe(at1080);
  await expect(page.getByTestId("quote-price")).toContainText("تومان");
  await shoot(page, "editor-9x16");

  const walletBefore = await (
    await request.get("/v1/wallet", { headers: { Authorization: `Bearer ${await login(request, email)}` } })
  ).json();

  // Buy the Pro plan at the emulator.
  await page.getByRole("link", { name: "تعرفه‌ها" }).click();
  await expect(page.getByTestId("plan")).toHaveCount(3);
  await checkBasics(page);
  await shoot(page, "pricing");
  await page.locator("[data-plan=pro]").getByRole("button").click();
  await expect(page).toHaveURL(/\/pg\/StartPay\//);
  await page.getByRole("button", { name: /Pay/ }).click();
  await expect(page).toHaveURL(/\/checkout\/return\?/);
  await expect(page.getByTestId("payment-status")).toHaveAttribute("data-status", "paid");
  await expect(page.getByTestId("checkout-state")).toHaveAttribute("data-state", "paid");
  await checkBasics(page);
  await shoot(page, "checkout-return");
  await page.getByRole("link", { name: "کیف پول" }).first().click();
  const available = page.getByTestId("wallet-available");
  await expect(available).toHaveAttribute("data-rial", String(walletBefore.available_rial + 4_900_000));
  await checkBasics(page);
  await shoot(page, "wallet");

  // Back to the editor: the choices are as they were left; render.
  await page.goto(`/templates/${TEMPLATE}`);
  await expect(page.getByLabel("عنوان", { exact: true })).toHaveValue(TITLE);
  await expect(page.getByRole("radio", { name: /عمودی/ })).toBeChecked();
  await expect(page.getByLabel("کیفیت")).toHaveValue("720p");
  const submit = page.getByRole("button", { name: "ساخت ویدیو" });
  await submit.dblclick();
  await expect(page).toHaveURL(/\/renders\/[0-9a-f-]{36}$/);
  const renderId = page.url().split("/").pop()!;

  // Progress to 100 %, then the player and the download.
  await expect(page.getByTestId("render-state")).toBeVisible();
  await shoot(page, "render-progress");
  await expect(page.getByTestId("render-done")).toBeVisible({ timeout: 15 * 60 * 1000 });
  await expect(page.getByTestId("render-state")).toHaveAttribute("data-state", "succeeded");
  await expect(page.getByTestId("render-done")).toContainText("۱۰۰");
  const video = page.getByTestId("render-video");
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  await checkBasics(page);
  await shoot(page, "render-done");
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: /دانلود/ }).click();
  const download = await downloading;
  const dir = join(ARTIFACTS, "downloads");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${renderId}.mp4`);
  await download.saveAs(file);

  // One render, one charge: the double click submitted once.
  const token = await login(request, email);
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  const renders = await (await request.get("/v1/renders", auth)).json();
  expect(renders.renders.map((r: { id: string }) => r.id)).toEqual([renderId]);
  const render = await (await request.get(`/v1/renders/${renderId}`, auth)).json();
  expect(render).toMatchObject({ template: TEMPLATE, aspect: "9:16", tier: "720p", state: "succeeded" });
  expect(render.bindings.title).toBe(TITLE);
  const head = await request.get(`/v1/renders/${renderId}/download`, auth);
  writeFileSync(
    join(ARTIFACTS, "render.json"),
    JSON.stringify({ render, file, content_length: Number(head.headers()["content-length"]) }, null, 2),
  );

  // My renders lists it as ready.
  await page.getByRole("link", { name: "ویدیوهای من" }).first().click();
  await expect(page.locator(`[data-testid=render-row][data-render="${renderId}"]`)).toHaveAttribute(
    "data-state",
    "succeeded",
  );
  await checkBasics(page);
  await shoot(page, "renders");
});
