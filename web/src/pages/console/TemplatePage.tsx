import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { call, getJson, postJson } from "../../api";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import { ShortId } from "../../console/parts";
import type { AdminTemplate, AdminTemplateDetail, AdminTemplateMedia } from "../../console/types";
import { aspect, bytes, dateTime, duration, number } from "../../format";
import { useAction, useLoad } from "../../hooks";

/** A picture the console must ask for with its credential (a hidden template's cover too). */
function AuthImage({ url, alt, width, height }: { url: string; alt: string; width: number; height: number }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    const abort = new AbortController();
    let made: string | undefined;
    call(url, { signal: abort.signal })
      .then((res) => res.blob())
      .then((blob) => {
        made = URL.createObjectURL(blob);
        setSrc(made);
      })
      .catch(() => setSrc(undefined));
    return () => {
      abort.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [url]);
  return src ? (
    <img src={src} alt={alt} width={width} height={height} className="cover-thumb" />
  ) : (
    <span className="cover-thumb muted" style={{ aspectRatio: `${width} / ${height}` }} />
  );
}

/** One template: its versions, the engine picker and compositions, its catalog media and visibility. */
export function TemplatePage() {
  const { id = "" } = useParams();
  const { t, i18n } = useTranslation();
  const detail = useLoad(
    (signal) => getJson<AdminTemplateDetail>(`/v1/admin/templates/${encodeURIComponent(id)}`, { signal }),
    [id],
  );
  const template = detail.data?.template;
  useTitle(template ? (i18n.language === "en" ? template.name_en : template.name_fa) : t("console.templates.title"));

  const [engine, setEngine] = useState("");
  const [compositions, setCompositions] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!template) return;
    setEngine(template.engine);
    setCompositions(Object.fromEntries(template.aspects.map((a) => [a.aspect, a.composition])));
  }, [template]);
  const changed =
    template !== undefined &&
    (engine !== template.engine || template.aspects.some((a) => (compositions[a.aspect] ?? "") !== a.composition));

  const [confirm, setConfirm] = useState<"hide" | "show" | "revise" | "media">();
  const [force, setForce] = useState(true);
  const [started, setStarted] = useState<{ covers: number; preview: boolean; job_ids: string[] }>();
  const act = useAction(async (what: "hide" | "show" | "revise" | "media", reason: string, base: AdminTemplate) => {
    const path = `/v1/admin/templates/${encodeURIComponent(base.id)}`;
    // A reason only when one was given (the API takes 1 to 500 characters, or none).
    const why = reason.trim() ? { reason: reason.trim() } : {};
    if (what === "hide" || what === "show") {
      await postJson(`${path}/visibility`, { hidden: what === "hide", ...why });
    } else if (what === "revise") {
      await postJson(`${path}/revise`, {
        base_version: base.version,
        engine,
        // Compositions are Remotion's: other engines keep the aspects as they are.
        aspects:
          engine === "remotion"
            ? base.aspects.map((a) => ({ aspect: a.aspect, composition: compositions[a.aspect] ?? "" }))
            : [],
        ...why,
      });
    } else {
      setStarted(await postJson(`${path}/media`, { force, ...why }));
    }
    setConfirm(undefined);
    detail.reload();
  });

  if (!detail.data) {
    return (
      <section>
        <ErrorNotice error={detail.error} retry={detail.reload} />
        {detail.loading && <Loading />}
      </section>
    );
  }
  const { versions, media, in_catalog } = detail.data;
  const current = detail.data.template;
  const covers = media.filter((m) => m.kind === "cover");
  const preview = media.find((m) => m.kind === "preview");

  return (
    <section data-template={current.id}>
      <p>
        <Link to="/console/templates">{t("console.templates.title")}</Link>
      </p>
      <h1 dir="auto">{i18n.language === "en" ? current.name_en : current.name_fa}</h1>
      <p className="muted">
        <code dir="ltr">{current.id}</code> · {t("console.templates.versionN", { version: number(current.version) })} ·{" "}
        {t("console.templates.tenant")} <ShortId id={current.tenant_id} /> ·{" "}
        <span className={`badge ${current.hidden ? "badge-hidden" : "badge-shown"}`} data-testid="visibility" data-hidden={current.hidden}>
          {current.hidden ? t("console.templates.hidden") : t("console.templates.shown")}
        </span>
      </p>
      <div className="actions">
        <button type="button" className="button-secondary" onClick={() => setConfirm(current.hidden ? "show" : "hide")}>
          {current.hidden ? t("console.templates.show") : t("console.templates.hide")}
        </button>
        <button type="button" className="button-secondary" onClick={() => setConfirm("media")}>
          {t("console.templates.renderMedia")}
        </button>
      </div>
      {started && (
        <p className="notice notice-ok" role="status" data-testid="media-started">
          {t("console.templates.mediaStarted", { covers: number(started.covers) })}{" "}
          {started.job_ids.map((job) => (
            <Link key={job} to={`/console/jobs/${job}`}>
              <ShortId id={job} />
            </Link>
          ))}
        </p>
      )}

      <h2>{t("console.templates.renderSettings")}</h2>
      <form
        className="render-settings"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (changed) setConfirm("revise");
        }}
      >
        <Field label={t("console.templates.engine")} error={act.error?.fieldMessage("engine")}>
          {(aria) => (
            <select {...aria} value={engine} onChange={(e) => setEngine(e.target.value)}>
              {Array.from(new Set([current.engine, ...current.engines_available])).map((e) => (
                <option key={e} value={e}>
                  {t(`console.templates.engines.${e}`, { defaultValue: e })}
                </option>
              ))}
            </select>
          )}
        </Field>
        {current.aspects.map((a, i) => (
          <Field
            key={a.aspect}
            label={t("console.templates.composition", { aspect: aspect(a.aspect), size: `${a.width}×${a.height}` })}
            error={act.error?.fieldMessage(`aspects[${i}].composition`) ?? act.error?.fieldMessage("aspects")}
          >
            {(aria) => (
              <input
                {...aria}
                type="text"
                dir="ltr"
                disabled={engine !== "remotion"}
                value={compositions[a.aspect] ?? ""}
                onChange={(e) => setCompositions((c) => ({ ...c, [a.aspect]: e.target.value }))}
              />
            )}
          </Field>
        ))}
        <button type="submit" className="button-primary" disabled={!changed}>
          {t("console.templates.saveVersion")}
        </button>
      </form>

      <h2>{t("console.templates.media")}</h2>
      {!in_catalog && <p className="muted">{t("console.templates.notInCatalog")}</p>}
      <div className="cover-grid">
        {current.aspects.map((a) => {
          const cover = covers.find((m) => m.aspect === a.aspect);
          return (
            <figure key={a.aspect} data-cover={a.aspect}>
              {cover ? (
                <AuthImage url={cover.url} alt={aspect(a.aspect)} width={cover.width} height={cover.height} />
              ) : (
                <span className="muted">{t("console.templates.noCover")}</span>
              )}
              <figcaption>
                {aspect(a.aspect)}
                {cover && <MediaVersion media={cover} />}
              </figcaption>
            </figure>
          );
        })}
      </div>
      <p data-testid="preview">
        {preview ? (
          <>
            {t("console.templates.preview", {
              frames: number(preview.frame_count ?? 0),
              length: duration(preview.duration_millis ?? 0),
              size: bytes(preview.size_bytes),
            })}
            <MediaVersion media={preview} />
          </>
        ) : (
          <span className="muted">{t("console.templates.noPreview")}</span>
        )}
      </p>

      <h2>{t("console.templates.versions")}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("console.templates.version")}</th>
              <th>{t("console.templates.engine")}</th>
              <th>{t("console.templates.compositions")}</th>
              <th>{t("console.templates.size")}</th>
              <th>{t("console.templates.pushedAt")}</th>
              <th>{t("console.templates.cachedOn")}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-version={v.version} aria-current={v.current ? "true" : undefined}>
                <td>
                  {number(v.version)} {v.current && <span className="badge badge-shown">{t("console.templates.currentVersion")}</span>}
                </td>
                <td>{t(`console.templates.engines.${v.engine}`, { defaultValue: v.engine })}</td>
                <td dir="ltr">{v.aspects.map((a) => `${a.aspect} ${a.composition || "—"}`).join(" · ")}</td>
                <td>{bytes(v.package_bytes)}</td>
                <td>{v.created_at ? dateTime(v.created_at) : "—"}</td>
                <td>{v.cached_on.map((c) => c.node).join("، ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <ConfirmDialog
        open={confirm !== undefined}
        title={confirm ? t(`console.templates.confirm.${confirm}`, { name: current.id }) : ""}
        message={confirm === "revise" ? <p>{t("console.templates.reviseExplain", { version: number(current.version + 1) })}</p> : undefined}
        confirmLabel={confirm ? t(`console.templates.confirmLabel.${confirm}`) : ""}
        danger={confirm === "hide"}
        busy={act.busy}
        error={act.error}
        onConfirm={(reason) => confirm && void act.run(confirm, reason, current)}
        onClose={() => setConfirm(undefined)}
      >
        {confirm === "media" && (
          <label className="checkbox">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />{" "}
            {t("console.templates.force")}
          </label>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** Which version a cover or preview was rendered from; marked when it is not the current one. */
function MediaVersion({ media }: { media: AdminTemplateMedia }) {
  const { t } = useTranslation();
  return (
    <span className={media.current ? "muted small" : "badge badge-stale"} data-current={media.current}>
      {" "}
      {t("console.templates.versionN", { version: number(media.template_version) })}
      {!media.current && ` · ${t("console.templates.stale")}`}
    </span>
  );
}
