import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, call, getJson, postJson } from "../api";
import { BindingField } from "../components/BindingField";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { PreviewStill } from "../components/PreviewStill";
import { aspect as formatAspect, number, toman } from "../format";
import { useAction, useDebounced, useLoad, useSignedIn } from "../hooks";
import { currentLang } from "../i18n";
import { TIERS, type Aspect, type Quote, type Render, type TemplateDetail, type Tier } from "../types";

type Values = Record<string, string>;

function defaults(template: TemplateDetail, lang: string): Values {
  const values: Values = {};
  for (const b of template.bindings) {
    const value = (lang === "en" ? b.defaults?.en : b.defaults?.fa) ?? b.default;
    if (typeof value === "string" || typeof value === "number") values[b.name] = String(value);
  }
  return values;
}

/** What a render or a snapshot sends: the values as typed, numbers as numbers, empty ones left out. */
function bindingsOf(template: TemplateDetail, values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const b of template.bindings) {
    const value = values[b.name];
    if (value === undefined || value === "") continue;
    out[b.name] = b.type === "number" ? Number(value) : value;
  }
  return out;
}

/** The editor: a form from the template's bindings, a live preview still and the price quote. */
export function Editor() {
  const { id = "" } = useParams();
  const { t, i18n } = useTranslation();
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const lang = i18n.language;
  const template = useLoad(
    (signal) => getJson<TemplateDetail>(`/v1/catalog/templates/${encodeURIComponent(id)}?lang=${lang}`, { signal }),
    [id, lang],
  );
  useTitle(template.data?.name ?? t("editor.title"));

  const [values, setValues] = useState<Values>({});
  const [aspect, setAspect] = useState<Aspect>("16:9");
  const [tier, setTier] = useState<Tier>("1080p");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const loadedFor = useRef<string>("");

  useEffect(() => {
    const detail = template.data;
    if (!detail || loadedFor.current === detail.id) return;
    loadedFor.current = detail.id;
    const draft = readDraft(detail.id);
    setValues({ ...defaults(detail, currentLang()), ...draft?.values });
    const aspects = detail.aspects.map((a) => a.aspect);
    setAspect(draft && aspects.includes(draft.aspect) ? draft.aspect : (aspects[0] ?? "16:9"));
    if (draft && TIERS.includes(draft.tier)) setTier(draft.tier);
  }, [template.data]);

  // The choices outlive a trip to the payment page and back (or a reload), for this tab.
  useEffect(() => {
    if (loadedFor.current === id) writeDraft(id, { values, aspect, tier });
  }, [id, values, aspect, tier]);

  const bindings = useMemo(
    () => (template.data ? bindingsOf(template.data, values) : {}),
    [template.data, values],
  );
  const settled = useDebounced(bindings, 500);

  const quote = useLoad(
    (signal) =>
      signedIn && template.data
        ? postJson<Quote>("/v1/quote", { template: id, tier }, { signal })
        : Promise.resolve(undefined),
    [id, tier, signedIn, template.data?.id],
  );

  // Idempotency: the same choices submitted again (a double click, a retry after a lost answer)
  // carry the same key, so the gateway answers the same render and charges once.
  const attempt = useRef(crypto.randomUUID());
  const submitted = useMemo(() => JSON.stringify({ aspect, tier, bindings }), [aspect, tier, bindings]);
  const keyFor = useRef<{ body: string; key: string } | null>(null);

  const submit = useAction(
    useCallback(async () => {
      if (!keyFor.current || keyFor.current.body !== submitted) {
        keyFor.current = { body: submitted, key: `${attempt.current}:${crypto.randomUUID()}` };
      }
      setFieldErrors({});
      try {
        const res = await call("/v1/renders", {
          method: "POST",
          body: { template: id, aspect, tier, bindings },
          headers: { "Idempotency-Key": keyFor.current.key },
        });
        const render = (await res.json()) as Render;
        navigate(`/renders/${render.id}`);
      } catch (e) {
        if (e instanceof ApiError && e.problem.errors) setFieldErrors(errorsByField(e));
        throw e;
      }
    }, [id, aspect, tier, bindings, submitted, navigate]),
  );

  const onPreviewError = useCallback((e: ApiError | undefined) => {
    setFieldErrors(e?.problem.errors ? errorsByField(e) : {});
  }, []);

  if (template.loading && !template.data) return <Loading />;
  if (template.error) {
    return (
      <section>
        <h1>{t("editor.title")}</h1>
        {template.error.status === 404 ? (
          <p>{t("editor.notFound")}</p>
        ) : (
          <ErrorNotice error={template.error} retry={template.reload} />
        )}
        <Link to="/">{t("editor.back")}</Link>
      </section>
    );
  }
  const detail = template.data!;
  const cover = detail.aspects.find((a) => a.aspect === aspect);
  const frame = Math.floor(detail.duration_frames / 2);

  return (
    <section className="editor">
      <h1>{detail.name}</h1>
      <p className="lead">{detail.description}</p>
      <div className="editor-layout">
        <form
          className="editor-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit.run();
          }}
        >
          {detail.presets.length > 0 && (
            <fieldset className="presets">
              <legend>{t("editor.presets")}</legend>
              {detail.presets.map((preset) => (
                <button
                  type="button"
                  key={preset.name}
                  className="preset"
                  onClick={() => setValues((v) => ({ ...v, ...preset.values }))}
                >
                  <span className="swatches" aria-hidden="true">
                    {Object.values(preset.values).map((c, i) => (
                      <span key={i} style={{ background: c }} />
                    ))}
                  </span>
                  {preset.name}
                </button>
              ))}
            </fieldset>
          )}
          {detail.bindings.map((binding) => (
            <BindingField
              key={binding.name}
              binding={binding}
              value={values[binding.name] ?? ""}
              error={fieldErrors[`bindings.${binding.name}`]}
              signedIn={signedIn}
              onChange={(value) => setValues((v) => ({ ...v, [binding.name]: value }))}
            />
          ))}
          <fieldset className="choices">
            <legend>{t("editor.aspect")}</legend>
            {detail.aspects.map((a) => (
              <label key={a.aspect} className="choice">
                <input
                  type="radio"
                  name="aspect"
                  value={a.aspect}
                  checked={aspect === a.aspect}
                  onChange={() => setAspect(a.aspect)}
                />
                <span>
                  {formatAspect(a.aspect)} — {t(`aspects.${a.aspect}`)}
                </span>
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="editor-tier">{t("editor.tier")}</label>
            <select id="editor-tier" value={tier} onChange={(e) => setTier(e.target.value as Tier)}>
              {TIERS.map((value) => (
                <option key={value} value={value}>
                  {t(`tiers.${value}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="quote" aria-live="polite" data-testid="quote">
            <h2>{t("editor.price")}</h2>
            {!signedIn ? (
              <p>
                <Link to={`/login?next=/templates/${id}`}>{t("editor.signInForPrice")}</Link>
              </p>
            ) : quote.data ? (
              <>
                <p className="price" data-testid="quote-price" data-rial={quote.data.charge_rial}>
                  {toman(quote.data.charge_rial)}
                </p>
                <p className="muted">
                  {t("editor.quoteExplained", {
                    length: number(Math.ceil(quote.data.length_seconds)),
                    factor: number(quote.data.tier_factor),
                    seconds: number(quote.data.charge_seconds),
                  })}
                </p>
              </>
            ) : quote.error ? (
              <ErrorNotice error={quote.error} retry={quote.reload} />
            ) : (
              <Loading />
            )}
          </div>
          <ErrorNotice error={submit.error} retry={() => void submit.run()} />
          {submit.error?.status === 402 && (
            <p>
              <Link to="/pricing">{t("editor.buyCredit")}</Link>
            </p>
          )}
          {signedIn ? (
            <button type="submit" className="button-primary" disabled={submit.busy}>
              {submit.busy ? t("editor.submitting") : t("editor.render")}
            </button>
          ) : (
            <Link className="button button-primary" to={`/signup?next=/templates/${id}`}>
              {t("editor.signUpToRender")}
            </Link>
          )}
        </form>
        <PreviewStill
          template={id}
          aspect={aspect}
          bindings={settled}
          frame={frame}
          // Not before the defaults (or the draft) are in: no still of an empty form.
          enabled={signedIn && loadedFor.current === id && Object.keys(settled).length > 0}
          fallback={cover?.cover_url ?? null}
          width={cover?.width ?? 16}
          height={cover?.height ?? 9}
          name={detail.name}
          onError={onPreviewError}
        />
      </div>
    </section>
  );
}

interface Draft {
  values: Values;
  aspect: Aspect;
  tier: Tier;
}

function readDraft(template: string): Draft | undefined {
  try {
    const text = sessionStorage.getItem(`flatrender.draft.${template}`);
    return text ? (JSON.parse(text) as Draft) : undefined;
  } catch {
    return undefined;
  }
}

function writeDraft(template: string, draft: Draft): void {
  sessionStorage.setItem(`flatrender.draft.${template}`, JSON.stringify(draft));
}

function errorsByField(e: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of e.problem.errors ?? []) out[error.field] = error.message;
  return out;
}
