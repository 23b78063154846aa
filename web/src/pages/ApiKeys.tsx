import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { getJson, postJson } from "../api";
import { Field } from "../components/Field";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { dateTime, number } from "../format";
import { useAction, useLoad } from "../hooks";

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expires_at?: string;
  revoked_at?: string;
  grace_until?: string;
  last_used_at?: string;
  created_at: string;
  replaced_by?: string;
}

interface Made {
  id: string;
  name: string;
  key: string;
  old_key_valid_until?: string;
}

const SCOPES = ["renders:read", "renders:write", "webhooks:write"];

/** API keys: made with scopes, the key shown once; rotated with a grace period; revoked. */
export function ApiKeys() {
  const { t } = useTranslation();
  useTitle(t("apiKeys.title"));
  const keys = useLoad((signal) => getJson<{ api_keys: ApiKey[] }>("/v1/api-keys", { signal }), []);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["renders:read", "renders:write"]);
  const [days, setDays] = useState("");
  const [shown, setShown] = useState<Made>();
  const create = useAction(async () => {
    const body: Record<string, unknown> = { name, scopes };
    if (days.trim()) body.expires_in_days = Number(days);
    setShown(await postJson<Made>("/v1/api-keys", body));
    setName("");
    keys.reload();
  });
  const rotate = useAction(async (id: string) => {
    setShown(await postJson<Made>(`/v1/api-keys/${id}/rotate`, { grace_hours: 24 }));
    keys.reload();
  });
  const revoke = useAction(async (id: string) => {
    await postJson(`/v1/api-keys/${id}/revoke`, {});
    keys.reload();
  });
  return (
    <section>
      <p>
        <Link to="/account">{t("account.title")}</Link>
      </p>
      <h1>{t("apiKeys.title")}</h1>
      <p className="lead">{t("apiKeys.explain")}</p>
      {shown && (
        <div className="notice notice-ok" role="status" data-testid="new-key">
          <p>{t("apiKeys.once")}</p>
          <code dir="ltr" className="secret">
            {shown.key}
          </code>
          {shown.old_key_valid_until && <p>{t("apiKeys.grace", { until: dateTime(shown.old_key_valid_until) })}</p>}
          <button type="button" className="button-secondary" onClick={() => void navigator.clipboard?.writeText(shown.key)}>
            {t("common.copy")}
          </button>
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
        <h2>{t("apiKeys.new")}</h2>
        <Field label={t("apiKeys.name")} error={create.error?.fieldMessage("name")}>
          {(aria) => <input {...aria} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset>
          <legend>{t("apiKeys.scopes")}</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="choice">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))
                }
              />
              <code dir="ltr">{scope}</code> {t(`apiKeys.scope.${scope}`)}
            </label>
          ))}
          {create.error?.fieldMessage("scopes") && (
            <div className="field-error" role="alert">
              {create.error.fieldMessage("scopes")}
            </div>
          )}
        </fieldset>
        <Field label={t("apiKeys.days")} error={create.error?.fieldMessage("expires_in_days")}>
          {(aria) => (
            <input {...aria} type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
          )}
        </Field>
        <ErrorNotice error={create.error} retry={() => void create.run()} />
        <button type="submit" className="button-primary" disabled={create.busy}>
          {t("apiKeys.create")}
        </button>
      </form>
      <h2>{t("apiKeys.list")}</h2>
      <ErrorNotice error={keys.error ?? rotate.error ?? revoke.error} retry={keys.reload} />
      {keys.loading && !keys.data && <Loading />}
      {keys.data && keys.data.api_keys.length === 0 && <p className="empty">{t("apiKeys.none")}</p>}
      {keys.data && keys.data.api_keys.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("apiKeys.name")}</th>
                <th scope="col">{t("apiKeys.prefix")}</th>
                <th scope="col">{t("apiKeys.scopes")}</th>
                <th scope="col">{t("apiKeys.state")}</th>
                <th scope="col">{t("apiKeys.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.api_keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code dir="ltr">{k.prefix}</code>
                  </td>
                  <td dir="ltr">{k.scopes.join(", ")}</td>
                  <td>
                    {k.revoked_at
                      ? t("apiKeys.revoked")
                      : k.grace_until
                        ? t("apiKeys.until", { until: dateTime(k.grace_until) })
                        : k.expires_at
                          ? t("apiKeys.expires", { until: dateTime(k.expires_at) })
                          : t("apiKeys.active")}
                    {k.last_used_at && ` · ${t("apiKeys.used", { when: dateTime(k.last_used_at) })}`}
                  </td>
                  <td>
                    {!k.revoked_at && (
                      <>
                        <button
                          type="button"
                          className="button-link"
                          disabled={rotate.busy}
                          onClick={() => void rotate.run(k.id)}
                        >
                          {t("apiKeys.rotate")}
                        </button>{" "}
                        <button
                          type="button"
                          className="button-link danger"
                          disabled={revoke.busy}
                          onClick={() => {
                            if (window.confirm(t("apiKeys.confirmRevoke", { name: k.name }))) void revoke.run(k.id);
                          }}
                        >
                          {t("apiKeys.revoke")}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted">{t("apiKeys.count", { n: number(keys.data?.api_keys.length ?? 0) })}</p>
    </section>
  );
}
