import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { call, getJson, postJson } from "../api";
import { Field } from "../components/Field";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { dateTime, number } from "../format";
import { useAction, useLoad } from "../hooks";

interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabled_reason?: string;
  created_at: string;
}

interface Delivery {
  id: string;
  event: string;
  state: string;
  attempts: number;
  last_status?: number;
  last_error?: string;
  created_at: string;
}

const EVENTS = ["render.succeeded", "render.failed"];

/** Webhooks: made with their events (the signing secret shown once), their deliveries. */
export function Webhooks() {
  const { t } = useTranslation();
  useTitle(t("webhooks.title"));
  const hooks = useLoad((signal) => getJson<{ webhooks: Webhook[] }>("/v1/webhooks", { signal }), []);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>([...EVENTS]);
  const [secret, setSecret] = useState<string>();
  const [open, setOpen] = useState<string>();
  const create = useAction(async () => {
    const made = await postJson<{ secret: string }>("/v1/webhooks", { url, events });
    setSecret(made.secret);
    setUrl("");
    hooks.reload();
  });
  const remove = useAction(async (id: string) => {
    await call(`/v1/webhooks/${id}`, { method: "DELETE" });
    hooks.reload();
  });
  const enable = useAction(async (id: string) => {
    await postJson(`/v1/webhooks/${id}/enable`, {});
    hooks.reload();
  });
  return (
    <section>
      <p>
        <Link to="/account">{t("account.title")}</Link>
      </p>
      <h1>{t("webhooks.title")}</h1>
      <p className="lead">{t("webhooks.explain")}</p>
      {secret && (
        <div className="notice notice-ok" role="status" data-testid="webhook-secret">
          <p>{t("webhooks.once")}</p>
          <code dir="ltr" className="secret">
            {secret}
          </code>
        </div>
      )}
      <form
        noValidate
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <h2>{t("webhooks.new")}</h2>
        <Field label={t("webhooks.url")} error={create.error?.fieldMessage("url")}>
          {(aria) => (
            <input {...aria} type="url" dir="ltr" placeholder="https://" value={url} onChange={(e) => setUrl(e.target.value)} />
          )}
        </Field>
        <fieldset>
          <legend>{t("webhooks.events")}</legend>
          {EVENTS.map((event) => (
            <label key={event} className="choice">
              <input
                type="checkbox"
                checked={events.includes(event)}
                onChange={(e) => setEvents((s) => (e.target.checked ? [...s, event] : s.filter((x) => x !== event)))}
              />
              <code dir="ltr">{event}</code>
            </label>
          ))}
          {create.error?.fieldMessage("events") && (
            <div className="field-error" role="alert">
              {create.error.fieldMessage("events")}
            </div>
          )}
        </fieldset>
        <ErrorNotice error={create.error} retry={() => void create.run()} />
        <button type="submit" className="button-primary" disabled={create.busy}>
          {t("webhooks.create")}
        </button>
      </form>
      <h2>{t("webhooks.list")}</h2>
      <ErrorNotice error={hooks.error ?? remove.error ?? enable.error} retry={hooks.reload} />
      {hooks.loading && !hooks.data && <Loading />}
      {hooks.data && hooks.data.webhooks.length === 0 && <p className="empty">{t("webhooks.none")}</p>}
      <ul className="hooks">
        {hooks.data?.webhooks.map((hook) => (
          <li key={hook.id}>
            <p>
              <code dir="ltr">{hook.url}</code> — {hook.enabled ? t("webhooks.enabled") : t("webhooks.disabled")}
              {hook.disabled_reason && ` (${hook.disabled_reason})`}
            </p>
            <p className="muted" dir="ltr">
              {hook.events.join(", ")}
            </p>
            <button type="button" className="button-link" onClick={() => setOpen(open === hook.id ? undefined : hook.id)}>
              {open === hook.id ? t("webhooks.hideDeliveries") : t("webhooks.showDeliveries")}
            </button>{" "}
            {!hook.enabled && (
              <button type="button" className="button-link" disabled={enable.busy} onClick={() => void enable.run(hook.id)}>
                {t("webhooks.enable")}
              </button>
            )}{" "}
            <button
              type="button"
              className="button-link danger"
              disabled={remove.busy}
              onClick={() => {
                if (window.confirm(t("webhooks.confirmDelete"))) void remove.run(hook.id);
              }}
            >
              {t("webhooks.delete")}
            </button>
            {open === hook.id && <Deliveries id={hook.id} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Deliveries({ id }: { id: string }) {
  const { t } = useTranslation();
  const list = useLoad((signal) => getJson<{ deliveries: Delivery[] }>(`/v1/webhooks/${id}/deliveries`, { signal }), [id]);
  if (list.error) return <ErrorNotice error={list.error} retry={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.deliveries.length === 0) return <p className="empty">{t("webhooks.noDeliveries")}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("webhooks.event")}</th>
            <th scope="col">{t("webhooks.state")}</th>
            <th scope="col">{t("webhooks.attempts")}</th>
            <th scope="col">{t("webhooks.when")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data.deliveries.map((d) => (
            <tr key={d.id}>
              <td dir="ltr">{d.event}</td>
              <td>
                {t(`webhooks.states.${d.state}`, { defaultValue: d.state })}
                {d.last_status !== undefined && ` (${number(d.last_status)})`}
              </td>
              <td>{number(d.attempts)}</td>
              <td>{dateTime(d.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
