import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError, call, getJson } from "../../api";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import type { AdminTemplate } from "../../console/types";
import { aspect, bytes, date, number } from "../../format";
import { useAction, useLoad } from "../../hooks";

/** The farm's templates: every one's current version, and a package pushed from a zip. */
export function Templates() {
  const { t, i18n } = useTranslation();
  useTitle(t("console.templates.title"));
  const templates = useLoad(
    (signal) => getJson<{ templates: AdminTemplate[] }>("/v1/admin/templates", { signal }),
    [],
  );
  const file = useRef<HTMLInputElement>(null);
  const [pushed, setPushed] = useState<{ created: boolean; template: AdminTemplate }>();
  const push = useAction(async (zip: File) => {
    setPushed(undefined);
    const res = await call("/v1/admin/templates", { method: "POST", raw: zip, contentType: "application/zip" });
    setPushed((await res.json()) as { created: boolean; template: AdminTemplate });
    if (file.current) file.current.value = "";
    templates.reload();
  });
  const name = (template: AdminTemplate) => (i18n.language === "en" ? template.name_en : template.name_fa);

  return (
    <section>
      <h1>{t("console.templates.title")}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="template-zip">{t("console.templates.push")}</label>
          <input
            id="template-zip"
            ref={file}
            type="file"
            accept=".zip,application/zip"
            disabled={push.busy}
            aria-describedby="template-zip-hint"
            onChange={(e) => {
              const zip = e.target.files?.[0];
              if (zip) void push.run(zip);
            }}
          />
          <p id="template-zip-hint" className="hint">
            {push.busy ? t("console.templates.pushing") : t("console.templates.pushHint")}
          </p>
        </div>
      </form>
      {push.error && <PushError error={push.error} />}
      {pushed && (
        <p className="notice notice-ok" role="status" data-testid="pushed">
          {pushed.created
            ? t("console.templates.pushedNew", { id: pushed.template.id, version: number(pushed.template.version) })
            : t("console.templates.pushedSame", { id: pushed.template.id, version: number(pushed.template.version) })}{" "}
          <Link to={`/console/templates/${pushed.template.id}`}>{t("console.templates.open")}</Link>
        </p>
      )}
      <ErrorNotice error={templates.error} retry={templates.reload} />
      {templates.loading && !templates.data && <Loading />}
      {templates.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("console.templates.name")}</th>
                <th>{t("console.templates.version")}</th>
                <th>{t("console.templates.engine")}</th>
                <th>{t("console.templates.aspects")}</th>
                <th>{t("console.templates.size")}</th>
                <th>{t("console.templates.catalog")}</th>
                <th>{t("console.templates.since")}</th>
              </tr>
            </thead>
            <tbody>
              {templates.data.templates.map((template) => (
                <tr key={template.id} data-template={template.id}>
                  <td>
                    <Link to={`/console/templates/${template.id}`} dir="auto">
                      {name(template)}
                    </Link>
                    <div className="muted small">
                      <code dir="ltr">{template.id}</code>
                    </div>
                  </td>
                  <td>{number(template.version)}</td>
                  <td>{t(`console.templates.engines.${template.engine}`, { defaultValue: template.engine })}</td>
                  <td>{template.aspects.map((a) => aspect(a.aspect)).join("، ")}</td>
                  <td>{bytes(template.package_bytes)}</td>
                  <td>
                    <span className={`badge ${template.hidden ? "badge-hidden" : "badge-shown"}`} data-hidden={template.hidden}>
                      {template.hidden ? t("console.templates.hidden") : t("console.templates.shown")}
                    </span>
                  </td>
                  <td>{template.created_at ? date(template.created_at) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The farm's refusal of a package: its reason, and each field it named. */
function PushError({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  return (
    <div className="notice notice-error" role="alert" data-testid="push-error">
      <p>{error.status === 0 ? t("errors.network") : (error.problem.detail ?? error.problem.title)}</p>
      {error.problem.errors && error.problem.errors.length > 0 && (
        <ul>
          {error.problem.errors.map((e) => (
            <li key={e.field}>
              <code dir="ltr">{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
