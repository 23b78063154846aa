import { useState } from "react";
import { useTranslation } from "react-i18next";
import { getJson, postJson } from "../../api";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import { Badge, ShortId, query } from "../../console/parts";
import { TX_STATUSES, type ClientApp, type Issued, type Transaction } from "../../console/types";
import { dateTime, digits, number, toman } from "../../format";
import { useAction, useLoad } from "../../hooks";

function lines(text: string): string[] {
  return text
    .split(/\s*\n\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The payment broker: its client apps (made, changed, their keys rotated) and its transactions. */
export function Payments() {
  const { t } = useTranslation();
  useTitle(t("console.payments.title"));
  const clients = useLoad((signal) => getJson<{ clients: ClientApp[] }>("/v1/admin/pay/clients", { signal }), []);
  // Secrets as the gateway answered them, kept only in this page's memory: gone after a reload.
  const [secrets, setSecrets] = useState<Issued>();
  return (
    <section>
      <h1>{t("console.payments.title")}</h1>
      {secrets && <Secrets issued={secrets} onDone={() => setSecrets(undefined)} />}
      <h2>{t("console.payments.clients")}</h2>
      <ErrorNotice error={clients.error} retry={clients.reload} />
      {clients.loading && !clients.data && <Loading />}
      {clients.data && clients.data.clients.length === 0 && <p className="empty">{t("console.payments.noClients")}</p>}
      <ul className="client-apps">
        {clients.data?.clients.map((app) => (
          <ClientAppItem key={app.id} app={app} onChanged={clients.reload} onSecrets={setSecrets} />
        ))}
      </ul>
      <NewClientApp
        onCreated={(issued) => {
          setSecrets(issued);
          clients.reload();
        }}
      />
      <Transactions clients={clients.data?.clients ?? []} />
    </section>
  );
}

function Secrets({ issued, onDone }: { issued: Issued; onDone: () => void }) {
  const { t } = useTranslation();
  const rows: [string, string | undefined][] = [
    [t("console.payments.apiKey"), issued.api_key],
    [t("console.payments.hmacSecret"), issued.hmac_secret],
    [t("console.payments.webhookSecret"), issued.webhook_secret],
  ];
  return (
    <div className="notice notice-ok secrets" role="status" data-testid="client-secrets">
      <p>
        <strong>{t("console.payments.onceTitle", { name: issued.client.name })}</strong> {t("console.payments.once")}
      </p>
      <dl className="facts">
        <dt>{t("console.payments.clientId")}</dt>
        <dd>
          <code dir="ltr">{issued.client.id}</code>
        </dd>
        {rows
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <div key={label} className="secret-row">
              <dt>{label}</dt>
              <dd>
                <code dir="ltr" className="secret" data-testid="secret-value">
                  {value}
                </code>{" "}
                <button
                  type="button"
                  className="button-secondary button-small"
                  onClick={() => void navigator.clipboard?.writeText(value!)}
                >
                  {t("common.copy")}
                </button>
              </dd>
            </div>
          ))}
      </dl>
      <button type="button" className="button-secondary" onClick={onDone}>
        {t("console.payments.saved")}
      </button>
    </div>
  );
}

function NewClientApp({ onCreated }: { onCreated: (issued: Issued) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [urls, setUrls] = useState("");
  const [webhook, setWebhook] = useState("");
  const [merchant, setMerchant] = useState("");
  const [unit, setUnit] = useState("");
  const create = useAction(async () => {
    const issued = await postJson<Issued>("/v1/admin/pay/clients", {
      name: name.trim(),
      return_urls: lines(urls),
      ...(webhook.trim() ? { webhook_url: webhook.trim() } : {}),
      ...(merchant.trim() ? { merchant_id: merchant.trim() } : {}),
      ...(unit ? { currency_unit: unit } : {}),
    });
    setName("");
    setUrls("");
    setWebhook("");
    setMerchant("");
    setUnit("");
    onCreated(issued);
  });
  return (
    <form
      noValidate
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void create.run();
      }}
    >
      <h2>{t("console.payments.newClient")}</h2>
      <Field label={t("console.payments.name")} error={create.error?.fieldMessage("name")}>
        {(aria) => <input {...aria} dir="auto" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field
        label={t("console.payments.returnUrls")}
        hint={t("console.payments.returnUrlsHint")}
        error={create.error?.fieldMessage("return_urls")}
      >
        {(aria) => <textarea {...aria} dir="ltr" rows={2} value={urls} onChange={(e) => setUrls(e.target.value)} />}
      </Field>
      <Field label={t("console.payments.webhookUrl")} error={create.error?.fieldMessage("webhook_url")}>
        {(aria) => <input {...aria} type="url" dir="ltr" value={webhook} onChange={(e) => setWebhook(e.target.value)} />}
      </Field>
      <Field
        label={t("console.payments.merchantId")}
        hint={t("console.payments.merchantHint")}
        error={create.error?.fieldMessage("merchant_id")}
      >
        {(aria) => <input {...aria} dir="ltr" value={merchant} onChange={(e) => setMerchant(e.target.value)} />}
      </Field>
      <Field label={t("console.payments.unit")} error={create.error?.fieldMessage("currency_unit")}>
        {(aria) => (
          <select {...aria} value={unit} onChange={(e) => setUnit(e.target.value)}>
            <option value="">{t("console.payments.unitDefault")}</option>
            <option value="IRR">{t("console.payments.unitIRR")}</option>
            <option value="IRT">{t("console.payments.unitIRT")}</option>
          </select>
        )}
      </Field>
      <ErrorNotice error={create.error} retry={() => void create.run()} />
      <button type="submit" className="button-primary" disabled={create.busy}>
        {t("console.payments.create")}
      </button>
    </form>
  );
}

function ClientAppItem({
  app,
  onChanged,
  onSecrets,
}: {
  app: ClientApp;
  onChanged: () => void;
  onSecrets: (issued: Issued) => void;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [urls, setUrls] = useState("");
  const [webhook, setWebhook] = useState("");
  const [asking, setAsking] = useState<"keys" | "webhook" | "disable">();
  const [grace, setGrace] = useState("3600");
  const save = useAction(async () => {
    await postJson(
      `/v1/admin/pay/clients/${app.id}`,
      { return_urls: lines(urls), webhook_url: webhook.trim() || null },
      { method: "PATCH" },
    );
    setEditing(false);
    onChanged();
  });
  const toggle = useAction(async (disabled: boolean) => {
    await postJson(`/v1/admin/pay/clients/${app.id}`, { disabled }, { method: "PATCH" });
    setAsking(undefined);
    onChanged();
  });
  const rotate = useAction(async (graceSeconds: number) => {
    const issued = await postJson<Issued>(`/v1/admin/pay/clients/${app.id}/keys/rotate`, {
      grace_seconds: graceSeconds,
    });
    setAsking(undefined);
    onSecrets(issued);
    onChanged();
  });
  const rotateWebhook = useAction(async () => {
    const out = await postJson<{ client: ClientApp; webhook_secret: string }>(
      `/v1/admin/pay/clients/${app.id}/webhook-secret/rotate`,
      {},
    );
    setAsking(undefined);
    onSecrets({ client: out.client, webhook_secret: out.webhook_secret });
  });
  const graceSeconds = Number(grace);
  return (
    <li className="client-app" data-client={app.id} data-name={app.name}>
      <div className="client-app-head">
        <strong dir="auto">{app.name}</strong> <ShortId id={app.id} />{" "}
        <span className={app.disabled ? "badge badge-disabled" : "badge badge-online"}>
          {app.disabled ? t("console.payments.disabled") : t("console.payments.enabled")}
        </span>
      </div>
      <dl className="facts">
        <dt>{t("console.payments.returnUrls")}</dt>
        <dd dir="ltr" className="cell-start">
          {app.return_urls.map((u) => (
            <div key={u}>{u}</div>
          ))}
        </dd>
        <dt>{t("console.payments.webhookUrl")}</dt>
        <dd dir="ltr" className="cell-start">
          {app.webhook_url ?? "—"}
        </dd>
        <dt>{t("console.payments.merchantId")}</dt>
        <dd dir="ltr" className="cell-start">
          {app.merchant_id ?? t("console.payments.farmMerchant")} · {app.currency_unit ?? "IRR"}
        </dd>
        <dt>{t("console.payments.created")}</dt>
        <dd>{dateTime(app.created_at)}</dd>
      </dl>
      {editing && (
        <form
          noValidate
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <Field label={t("console.payments.returnUrls")} hint={t("console.payments.returnUrlsHint")} error={save.error?.fieldMessage("return_urls")}>
            {(aria) => <textarea {...aria} dir="ltr" rows={3} value={urls} onChange={(e) => setUrls(e.target.value)} />}
          </Field>
          <Field label={t("console.payments.webhookUrl")} error={save.error?.fieldMessage("webhook_url")}>
            {(aria) => <input {...aria} type="url" dir="ltr" value={webhook} onChange={(e) => setWebhook(e.target.value)} />}
          </Field>
          <ErrorNotice error={save.error} />
          <div className="actions-row">
            <button type="submit" className="button-primary" disabled={save.busy}>
              {t("console.payments.save")}
            </button>
            <button type="button" className="button-secondary" onClick={() => setEditing(false)}>
              {t("console.back")}
            </button>
          </div>
        </form>
      )}
      <div className="actions-row">
        {!editing && (
          <button
            type="button"
            className="button-secondary button-small"
            onClick={() => {
              setUrls(app.return_urls.join("\n"));
              setWebhook(app.webhook_url ?? "");
              save.setError(undefined);
              setEditing(true);
            }}
          >
            {t("console.payments.edit")}
          </button>
        )}
        {app.disabled ? (
          <button type="button" className="button-secondary button-small" disabled={toggle.busy} onClick={() => void toggle.run(false)}>
            {t("console.payments.enable")}
          </button>
        ) : (
          <button type="button" className="button-secondary button-small" onClick={() => setAsking("disable")}>
            {t("console.payments.disable")}
          </button>
        )}
        <button type="button" className="button-secondary button-small" onClick={() => setAsking("keys")}>
          {t("console.payments.rotateKeys")}
        </button>
        <button type="button" className="button-secondary button-small" onClick={() => setAsking("webhook")}>
          {t("console.payments.rotateWebhook")}
        </button>
      </div>
      {!asking && <ErrorNotice error={toggle.error} />}
      <ConfirmDialog
        open={asking === "disable"}
        title={t("console.payments.disableTitle", { name: app.name })}
        message={<p>{t("console.payments.disableExplain")}</p>}
        confirmLabel={t("console.payments.disable")}
        reason="none"
        danger
        busy={toggle.busy}
        error={toggle.error}
        onConfirm={() => void toggle.run(true)}
        onClose={() => setAsking(undefined)}
      />
      <ConfirmDialog
        open={asking === "keys"}
        title={t("console.payments.rotateKeysTitle", { name: app.name })}
        message={<p>{t("console.payments.rotateKeysExplain")}</p>}
        confirmLabel={t("console.payments.rotateKeys")}
        reason="none"
        danger
        busy={rotate.busy}
        error={rotate.error}
        onConfirm={() => {
          if (Number.isInteger(graceSeconds) && graceSeconds >= 0) void rotate.run(graceSeconds);
        }}
        onClose={() => setAsking(undefined)}
      >
        <Field
          label={t("console.payments.grace")}
          hint={t("console.payments.graceHint", { max: number(7 * 24 * 3600) })}
          error={rotate.error?.fieldMessage("grace_seconds")}
        >
          {(aria) => (
            <input {...aria} type="number" min={0} max={604800} step={60} value={grace} onChange={(e) => setGrace(e.target.value)} />
          )}
        </Field>
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === "webhook"}
        title={t("console.payments.rotateWebhookTitle", { name: app.name })}
        message={<p>{t("console.payments.rotateWebhookExplain")}</p>}
        confirmLabel={t("console.payments.rotateWebhook")}
        reason="none"
        danger
        busy={rotateWebhook.busy}
        error={rotateWebhook.error}
        onConfirm={() => void rotateWebhook.run()}
        onClose={() => setAsking(undefined)}
      />
    </li>
  );
}

function Transactions({ clients }: { clients: ClientApp[] }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState("");
  const [client, setClient] = useState("");
  const [order, setOrder] = useState("");
  const [attention, setAttention] = useState(false);
  const [filters, setFilters] = useState({ status, client, order, attention });
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const txs = useLoad(
    (signal) =>
      getJson<{ transactions: Transaction[]; next_cursor: string | null }>(
        `/v1/admin/pay/transactions${query({
          status: filters.status,
          client_id: filters.client,
          order_id: filters.order.trim(),
          attention: filters.attention && "true",
          limit: 50,
          cursor,
        })}`,
        { signal },
      ),
    [filters, cursor],
  );
  const clientName = (id: string) => clients.find((c) => c.id === id)?.name ?? id.slice(0, 8);
  return (
    <>
      <h2>{t("console.payments.transactions")}</h2>
      <form
        className="filters"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([null]);
          setFilters({ status, client, order, attention });
        }}
      >
        <Field label={t("console.payments.status")} error={txs.error?.fieldMessage("status")}>
          {(aria) => (
            <select {...aria} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">{t("console.all")}</option>
              {TX_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`console.txStates.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("console.payments.client")} error={txs.error?.fieldMessage("client_id")}>
          {(aria) => (
            <select {...aria} value={client} onChange={(e) => setClient(e.target.value)}>
              <option value="">{t("console.all")}</option>
              {clients.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("console.payments.orderId")} error={txs.error?.fieldMessage("order_id")}>
          {(aria) => <input {...aria} dir="ltr" value={order} onChange={(e) => setOrder(e.target.value)} />}
        </Field>
        <label className="choice">
          <input type="checkbox" checked={attention} onChange={(e) => setAttention(e.target.checked)} />
          {t("console.payments.attentionOnly")}
        </label>
        <div className="filter-buttons">
          <button type="submit" className="button-primary">
            {t("console.filter")}
          </button>
        </div>
      </form>
      <ErrorNotice error={txs.error} retry={txs.reload} />
      {txs.loading && !txs.data && <Loading />}
      {txs.data && txs.data.transactions.length === 0 && <p className="empty">{t("console.payments.noTransactions")}</p>}
      {txs.data && txs.data.transactions.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("console.payments.created")}</th>
                <th>{t("console.payments.client")}</th>
                <th>{t("console.payments.orderId")}</th>
                <th>{t("console.payments.amount")}</th>
                <th>{t("console.payments.status")}</th>
                <th>{t("console.payments.refId")}</th>
                <th>{t("console.payments.verification")}</th>
              </tr>
            </thead>
            <tbody>
              {txs.data.transactions.map((tx) => (
                <tr key={tx.id} data-transaction={tx.id} data-status={tx.status}>
                  <td>{dateTime(tx.created_at)}</td>
                  <td dir="auto">{clientName(tx.client_id)}</td>
                  <td>
                    <code dir="ltr">{tx.order_id}</code>
                  </td>
                  <td>{toman(tx.amount)}</td>
                  <td>
                    <Badge kind="tx" state={tx.status} />
                    {tx.attention && <div className="danger small">{t("console.payments.attention")}</div>}
                  </td>
                  <td>{tx.ref_id ? <code dir="ltr">{digits(tx.ref_id)}</code> : "—"}</td>
                  <td className="wrap">
                    <details>
                      <summary>{t("console.payments.verifyAttempts", { n: number(tx.verify_attempts) })}</summary>
                      <dl className="facts small">
                        <dt>{t("console.payments.buyerStatus")}</dt>
                        <dd dir="ltr" className="cell-start">{tx.buyer_status ?? "—"}</dd>
                        <dt>{t("console.payments.authority")}</dt>
                        <dd dir="ltr" className="cell-start">{tx.authority ?? "—"}</dd>
                        <dt>{t("console.payments.card")}</dt>
                        <dd dir="ltr" className="cell-start">{tx.card_pan ?? "—"}</dd>
                        <dt>{t("console.payments.fee")}</dt>
                        <dd>{tx.fee !== null ? `${toman(tx.fee)} (${tx.fee_type ?? ""})` : "—"}</dd>
                        <dt>{t("console.payments.paidAt")}</dt>
                        <dd>{tx.paid_at ? dateTime(tx.paid_at) : "—"}</dd>
                        <dt>{t("console.payments.expires")}</dt>
                        <dd>{dateTime(tx.expires_at)}</dd>
                        {tx.failure && (
                          <>
                            <dt>{t("console.payments.failure")}</dt>
                            <dd dir="auto">
                              {tx.failure.code !== null && <code dir="ltr">{tx.failure.code}</code>} {tx.failure.message}
                            </dd>
                          </>
                        )}
                        {tx.last_error && (
                          <>
                            <dt>{t("console.payments.lastError")}</dt>
                            <dd dir="auto">{tx.last_error}</dd>
                          </>
                        )}
                        {tx.paid_after && (
                          <>
                            <dt>{t("console.payments.paidAfter")}</dt>
                            <dd dir="auto">{tx.paid_after}</dd>
                          </>
                        )}
                        {tx.attention && (
                          <>
                            <dt>{t("console.payments.attention")}</dt>
                            <dd dir="auto">
                              {tx.attention.message}
                              {tx.attention.since && ` (${dateTime(tx.attention.since)})`}
                            </dd>
                          </>
                        )}
                      </dl>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <button
          type="button"
          className="button-secondary"
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          {t("console.previous")}
        </button>
        <button
          type="button"
          className="button-secondary"
          disabled={!txs.data?.next_cursor}
          onClick={() => txs.data?.next_cursor && setCursors((c) => [...c, txs.data!.next_cursor])}
        >
          {t("console.next")}
        </button>
      </div>
    </>
  );
}
