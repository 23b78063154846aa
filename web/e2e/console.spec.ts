import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { APIRequestContext, Page } from "@playwright/test";
import { ARTIFACTS, TEMPLATE, checkBasics, expect, shoot, signInPage, signUpByApi, test } from "./support";

// The operators' console (issue 21), as a farm administrator uses it: the farm's nodes live, a
// job's chunks appearing on both nodes' timelines as they run, a node drained and a job cancelled
// behind their confirmations, a payment client app's secrets shown once; and a plain member who
// never sees any of it.
//
//   FLATRENDER_ADMIN_EMAIL, FLATRENDER_ADMIN_PASSWORD   a farm administrator (a dev farm's:
//       admin@flatrender.local, the password in <data-dir>/admin-password)
//   FLATRENDER_MEMBER_EMAIL, FLATRENDER_MEMBER_PASSWORD a plain member (default: one signed up)
//   FLATRENDER_CONSOLE_TIER                             the test job's tier (default 720p: a
//       job of ~30 s on a dev farm, long enough to watch)
//   FLATRENDER_TEMPLATE_ZIP                             a template package to push from the
//       templates page (WebAppIT makes one: the timeline sample as "console-promo")

const ADMIN_EMAIL = process.env.FLATRENDER_ADMIN_EMAIL ?? "admin@flatrender.local";
const ADMIN_PASSWORD = process.env.FLATRENDER_ADMIN_PASSWORD;
const TIER = process.env.FLATRENDER_CONSOLE_TIER ?? "720p";
const TEMPLATE_ZIP = process.env.FLATRENDER_TEMPLATE_ZIP;

const fa = JSON.parse(readFileSync(fileURLToPath(new URL("../src/locales/fa.json", import.meta.url)), "utf8"));
const c = fa.console;

/**
 * What the page did that only the farm can confirm, for WebAppIT's checks after the run
 * (console.json): the node drained and when, the job cancelled and when.
 */
function record(fields: Record<string, string>): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, "console.json");
  const before = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  writeFileSync(file, JSON.stringify({ ...before, ...fields }, null, 2));
}

interface Session {
  access_token: string;
  refresh_token: string;
}

async function adminSession(request: APIRequestContext): Promise<Session> {
  expect(ADMIN_PASSWORD, "FLATRENDER_ADMIN_PASSWORD (a dev farm's is in <data-dir>/admin-password)").toBeTruthy();
  const res = await request.post("/v1/auth/login", { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as Session;
}

/** The page signed in as the farm administrator (a session of its own, where the app keeps it). */
async function signInAdmin(page: Page, request: APIRequestContext): Promise<string> {
  const session = await adminSession(request);
  await page.addInitScript((token) => {
    if (!sessionStorage.getItem("flatrender.test.signedIn")) {
      localStorage.setItem("flatrender.refresh", token);
      sessionStorage.setItem("flatrender.test.signedIn", "1");
    }
  }, session.refresh_token);
  return session.access_token;
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

interface ApiNode {
  name: string;
  state: string;
}

async function nodes(request: APIRequestContext, token: string): Promise<ApiNode[]> {
  const res = await request.get("/v1/admin/farm/nodes", bearer(token));
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).nodes as ApiNode[];
}

/** A customer's render submitted through the API (their wallet credited by the admin); answers its job's id. */
async function submitJob(request: APIRequestContext, adminToken: string): Promise<string> {
  const { session } = await signUpByApi(request);
  const member = bearer(session.access_token as string);
  const credit = await request.post(`/v1/admin/tenants/${session.tenant_id}/credits`, {
    ...bearer(adminToken),
    data: { amount_rial: 50_000_000, reason: "console e2e" },
  });
  expect(credit.ok(), await credit.text()).toBeTruthy();
  const submitted = await request.post("/v1/renders", {
    headers: { ...member.headers, "Idempotency-Key": `console-${Date.now()}` },
    data: { template: TEMPLATE, aspect: "16:9", tier: TIER, bindings: {} },
  });
  expect(submitted.status(), await submitted.text()).toBe(201);
  // The farm's job of this customer.
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get(
          `/v1/admin/farm/jobs?tenant=${session.tenant_id}&page_size=5`,
          bearer(adminToken),
        );
        id = ((await res.json()).jobs as { id: string }[])[0]?.id;
        return id;
      },
      { message: "the render becomes a farm job" },
    )
    .toBeTruthy();
  return id!;
}

async function confirm(page: Page, button: string, reason?: string): Promise<void> {
  const dialog = page.locator("dialog[open]");
  await expect(dialog).toBeVisible();
  if (reason) await dialog.getByLabel(c.reason).fill(reason);
  await dialog.getByRole("button", { name: button, exact: true }).click();
  await expect(page.locator("dialog[open]")).toHaveCount(0);
}

test("a plain member sees no Console in the nav, and /console is not found", async ({ page, request, browser, baseURL }) => {
  const email = process.env.FLATRENDER_MEMBER_EMAIL;
  const password = process.env.FLATRENDER_MEMBER_PASSWORD;
  if (email && password) {
    const res = await request.post("/v1/auth/login", { data: { email, password } });
    expect(res.status()).toBe(200);
    const token = (await res.json()).refresh_token as string;
    // Once per tab, as signInPage does: the init script runs on every navigation, and putting
    // back a refresh token the app has since rotated signs the page out.
    await page.addInitScript((t) => {
      if (!sessionStorage.getItem("flatrender.test.signedIn")) {
        localStorage.setItem("flatrender.refresh", t);
        sessionStorage.setItem("flatrender.test.signedIn", "1");
      }
    }, token);
  } else {
    await signInPage(page, request);
  }
  // Each load refreshes the session (single-use refresh tokens), and the nav shows "signed in"
  // from the stored token before that answer: leaving the page with the refresh still in flight
  // would lose the rotated token and sign the page out. So every page settles before the next.
  await page.goto("/wallet");
  await expect(page.getByRole("link", { name: fa.nav.account })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("link", { name: fa.nav.console })).toHaveCount(0);
  for (const path of ["/console", "/console/jobs", "/console/payments"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(fa.notFound.title);
    await expect(page.locator(".console-nav")).toHaveCount(0);
    await page.waitForLoadState("networkidle");
  }
  // Signed out (a browser of its own), the console sends one to log in.
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await fresh.goto(new URL("/console", baseURL).toString());
  await expect(fresh).toHaveURL(/\/login\?next=%2Fconsole/);
  await context.close();
});

test("the farm page lists the nodes, and a job's chunks appear live on both nodes' timelines; cancelled from its page", async ({
  page,
  request,
}) => {
  test.setTimeout(5 * 60 * 1000);
  const token = await signInAdmin(page, request);
  const farmNodes = await nodes(request, token);
  expect(farmNodes.length, "a dev farm of two nodes").toBeGreaterThanOrEqual(2);

  await page.goto("/");
  await page.getByRole("link", { name: fa.nav.console }).click();
  await expect(page).toHaveURL(/\/console$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(c.farm.title);
  await expect(page.getByTestId("live")).toHaveAttribute("data-live", "true");
  for (const node of farmNodes) {
    const row = page.locator(`tr[data-node="${node.name}"]`);
    await expect(row).toBeVisible();
    await expect(row.locator(".badge")).toHaveText(c.nodeStates[node.state]);
  }
  await checkBasics(page);
  await shoot(page, "console-farm");

  const job = await submitJob(request, token);
  // The job's page, opened before its chunks run: the bars come by the stream, no reload.
  await page.goto(`/console/jobs/${job}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  let navigations = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  for (const node of farmNodes.slice(0, 2)) {
    await expect(
      page.locator(`[data-testid=timeline] [data-chunk-seq][data-node="${node.name}"]`).first(),
      `a chunk bar on ${node.name}`,
    ).toBeVisible({ timeout: 3 * 60 * 1000 });
  }
  expect(navigations, "the bars came without a reload").toBe(0);
  await expect(page.getByTestId("live")).toHaveAttribute("data-live", "true");
  await checkBasics(page);
  await shoot(page, "console-job");

  // Cancel it from its page, behind the confirmation.
  await page.getByRole("button", { name: c.jobAction.cancel.button, exact: true }).click();
  const cancelledAt = new Date().toISOString();
  await confirm(page, c.jobAction.cancel.confirm, "console e2e: cancelled on purpose");
  await expect(page.getByTestId("job-state")).toHaveAttribute("data-state", "cancelled");
  // WebAppIT checks its engine processes ended (the process table) and the CLI says cancelled.
  record({ cancelled_job: job, cancelled_at: cancelledAt });
  await expect(page.getByTestId("job-state")).toHaveText(c.jobStates.cancelled);
  const after = await request.get(`/v1/admin/farm/jobs/${job}`, bearer(token));
  expect((await after.json()).state).toBe("cancelled");

  // The jobs' list shows it, and the node's page its health.
  await page.goto("/console/jobs");
  await expect(page.locator(`tr[data-job="${job}"]`)).toHaveAttribute("data-state", "cancelled");
  await expect(page.locator(".loading")).toHaveCount(0);
  await checkBasics(page);
  await shoot(page, "console-jobs");
  await page.goto(`/console/nodes/${encodeURIComponent(farmNodes[0].name)}`);
  await expect(page.locator(`dl[data-node="${farmNodes[0].name}"]`)).toBeVisible();
  await expect(page.getByTestId("health-chart").locator("canvas")).toBeVisible();
  await checkBasics(page);
  await shoot(page, "console-node");
});

test("a node drained from the farm page (after its confirmation) shows draining and stays so", async ({
  page,
  request,
}) => {
  const token = await signInAdmin(page, request);
  // The last online node: the others keep the farm at work for the specs after this one.
  const node = (await nodes(request, token)).filter((n) => n.state === "online").pop();
  expect(node, "an online node").toBeTruthy();
  await page.goto("/console");
  const row = page.locator(`tr[data-node="${node!.name}"]`);
  await row.getByRole("button", { name: c.nodeAction.drain.button, exact: true }).click();
  await checkBasics(page);
  await shoot(page, "console-confirm", false);
  await confirm(page, c.nodeAction.drain.confirm, "console e2e");
  await expect(row).toHaveAttribute("data-state", "draining");
  await expect(row.locator(".badge")).toHaveText(c.nodeStates.draining);
  expect((await nodes(request, token)).find((n) => n.name === node!.name)?.state).toBe("draining");
  // Left draining: WebAppIT checks through the CLI that no job made from now on runs on it.
  record({ drained_node: node!.name, drained_at: new Date().toISOString() });
  await expect(row.getByRole("button", { name: c.nodeAction.enable.button, exact: true })).toBeVisible();
});

test("a payment client app's secrets are shown once, and gone after a reload", async ({ page, request }) => {
  await signInAdmin(page, request);
  const name = `shop-${Date.now().toString(36)}`;
  await page.goto("/console/payments");
  await expect(page.locator(".loading")).toHaveCount(0);
  await page.getByLabel(c.payments.name, { exact: true }).fill(name);
  await page.getByLabel(c.payments.returnUrls).fill("https://shop.example.com/pay/return");
  await page.getByRole("button", { name: c.payments.create }).click();
  const secrets = page.getByTestId("client-secrets");
  await expect(secrets).toBeVisible();
  await expect(secrets).toContainText(name);
  const values = await secrets.getByTestId("secret-value").allTextContents();
  expect(values.length).toBeGreaterThanOrEqual(2);
  for (const value of values) expect(value.trim().length).toBeGreaterThan(16);
  await expect(page.locator(`li[data-name="${name}"]`)).toBeVisible();
  await checkBasics(page);
  await shoot(page, "console-payments-secret", false);
  await page.reload();
  await expect(page.locator(`li[data-name="${name}"]`)).toBeVisible();
  await expect(page.getByTestId("client-secrets")).toHaveCount(0);
  const html = await page.content();
  for (const value of values) expect(html).not.toContain(value.trim());
  await checkBasics(page);
  await shoot(page, "console-payments");
});

test("every console page has its basics, in both languages", async ({ page, request }) => {
  await signInAdmin(page, request);
  for (const lang of ["fa", "en"] as const) {
    await page.addInitScript((l) => localStorage.setItem("flatrender.lang", l), lang);
    for (const path of [
      "/console",
      "/console/jobs",
      "/console/crashes",
      "/console/tenants",
      "/console/payments",
      "/console/templates",
      `/console/templates/${TEMPLATE}`,
    ]) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveAttribute("dir", lang === "fa" ? "rtl" : "ltr");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.locator(".loading")).toHaveCount(0);
      await checkBasics(page);
      if (path === "/console/crashes" || path === "/console/tenants") {
        await shoot(page, `console-${path.split("/")[2]}${lang === "en" ? "-en" : ""}`);
      }
    }
  }
});

test("a template package pushed from the templates page, hidden from the catalog and shown again; the seeded one's versions and covers", async ({
  page,
  request,
  expectConsole,
}) => {
  expect(TEMPLATE_ZIP, "FLATRENDER_TEMPLATE_ZIP: a package to push (WebAppIT makes one)").toBeTruthy();
  // The broken zip below is refused on purpose, and the browser logs the refusal.
  expectConsole(/status of 422 .*\/v1\/admin\/templates\)$/);
  const token = await signInAdmin(page, request);
  await page.goto("/console/templates");
  await expect(page.locator(`tr[data-template="${TEMPLATE}"]`)).toBeVisible();
  // Pushed from the page: a new version, or (a farm that had it) the version these sources are.
  await page.getByLabel(c.templates.push).setInputFiles(TEMPLATE_ZIP!);
  const pushed = page.getByTestId("pushed");
  await expect(pushed).toContainText("console-promo");
  await expect(page.locator('tr[data-template="console-promo"]')).toBeVisible();
  // The same zip again stores nothing new.
  await page.getByLabel(c.templates.push).setInputFiles(TEMPLATE_ZIP!);
  await expect(pushed).toHaveText(new RegExp(c.templates.pushedSame.split("{{")[0].trim()));
  // Not a zip: the farm's refusal, shown.
  await page.getByLabel(c.templates.push).setInputFiles({
    name: "broken.zip",
    mimeType: "application/zip",
    buffer: Buffer.from("this is not a zip"),
  });
  await expect(page.getByTestId("push-error")).toBeVisible();
  await checkBasics(page);
  await shoot(page, "console-templates");

  // Hidden from the page: gone from the public catalog, and back when shown again.
  const publicIds = async () => {
    const res = await request.get("/v1/catalog/templates?lang=fa");
    expect(res.ok(), await res.text()).toBeTruthy();
    return ((await res.json()).templates as { id: string }[]).map((t) => t.id);
  };
  expect(await publicIds()).toContain("console-promo");
  await page.locator('tr[data-template="console-promo"] a').first().click();
  await expect(page.getByTestId("visibility")).toHaveAttribute("data-hidden", "false");
  await page.getByRole("button", { name: c.templates.hide }).click();
  await confirm(page, c.templates.confirmLabel.hide, "e2e: hide");
  await expect(page.getByTestId("visibility")).toHaveAttribute("data-hidden", "true");
  const listed = async () =>
    ((await (await request.get("/v1/admin/templates", bearer(token))).json()).templates as { id: string; hidden: boolean }[]).find(
      (t) => t.id === "console-promo",
    )?.hidden;
  expect(await listed()).toBe(true);
  expect(await publicIds()).not.toContain("console-promo");
  await page.getByRole("button", { name: c.templates.show }).click();
  await confirm(page, c.templates.confirmLabel.show);
  await expect(page.getByTestId("visibility")).toHaveAttribute("data-hidden", "false");
  expect(await listed()).toBe(false);
  expect(await publicIds()).toContain("console-promo");

  // The seeded template: its versions, a cover per aspect from the farm, its preview; its
  // composition per aspect in the engine picker's form.
  await page.goto(`/console/templates/${TEMPLATE}`);
  await expect(page.locator("tr[data-version]").first()).toBeVisible();
  const covers = page.locator("figure[data-cover] img");
  await expect(covers.first()).toBeVisible();
  // Each <img> comes as its blob arrives, and decodes a moment after: asked until all have.
  await expect
    .poll(() =>
      covers.evaluateAll((imgs) =>
        imgs.every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0),
      ),
    )
    .toBe(true);
  await expect(page.getByTestId("preview")).not.toContainText(c.templates.noPreview);
  await expect(page.getByRole("combobox", { name: c.templates.engine })).toHaveValue("remotion");
  // Asked for what is missing only: all is there, so nothing starts.
  await page.getByRole("button", { name: c.templates.renderMedia }).click();
  await page.locator("dialog[open]").getByRole("checkbox").uncheck();
  await confirm(page, c.templates.confirmLabel.media);
  await expect(page.getByTestId("media-started")).toBeVisible();
  await checkBasics(page);
  await shoot(page, "console-template");
});

