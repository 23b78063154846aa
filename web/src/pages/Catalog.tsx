import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { getJson } from "../api";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { aspect as formatAspect, number } from "../format";
import { useDebounced, useLoad } from "../hooks";
import type { Aspect, CatalogItem, Category } from "../types";

interface Page {
  templates: CatalogItem[];
  page: number;
  page_size: number;
  total: number;
}

const ASPECTS: Aspect[] = ["16:9", "1:1", "9:16"];

/** The template pack: farm-rendered covers, the preview on hover or tap, filters and search. */
export function Catalog() {
  const { t, i18n } = useTranslation();
  useTitle(t("catalog.title"));
  const [params, setParams] = useSearchParams();
  const category = params.get("category") ?? "";
  const aspect = params.get("aspect") ?? "";
  const [query, setQuery] = useState(params.get("q") ?? "");
  const q = useDebounced(query.trim(), 300);
  const lang = i18n.language;

  const categories = useLoad(
    (signal) => getJson<{ categories: Category[] }>(`/v1/catalog/categories?lang=${lang}`, { signal }),
    [lang],
  );
  const page = useLoad(
    (signal) => {
      const search = new URLSearchParams({ lang, page_size: "48" });
      if (category) search.set("category", category);
      if (aspect) search.set("aspect", aspect);
      if (q) search.set("q", q);
      return getJson<Page>(`/v1/catalog/templates?${search}`, { signal });
    },
    [lang, category, aspect, q],
  );

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  return (
    <section className="catalog">
      <h1>{t("catalog.title")}</h1>
      <p className="lead">{t("catalog.lead")}</p>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="catalog-search">{t("catalog.search")}</label>
          <input
            id="catalog-search"
            type="search"
            value={query}
            placeholder={t("catalog.searchPlaceholder")}
            maxLength={100}
            onChange={(e) => {
              setQuery(e.target.value);
              setParam("q", e.target.value.trim());
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="catalog-category">{t("catalog.category")}</label>
          <select id="catalog-category" value={category} onChange={(e) => setParam("category", e.target.value)}>
            <option value="">{t("catalog.allCategories")}</option>
            {categories.data?.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="catalog-aspect">{t("catalog.aspect")}</label>
          <select id="catalog-aspect" value={aspect} onChange={(e) => setParam("aspect", e.target.value)}>
            <option value="">{t("catalog.allAspects")}</option>
            {ASPECTS.map((a) => (
              <option key={a} value={a}>
                {formatAspect(a)} — {t(`aspects.${a}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNotice error={page.error ?? categories.error} retry={page.error ? page.reload : categories.reload} />
      {page.loading && !page.data && <Loading />}
      {page.data && (
        <>
          <p className="count" aria-live="polite">
            {t("catalog.count", { count: page.data.total, n: number(page.data.total) })}
          </p>
          {page.data.templates.length === 0 ? (
            <p className="empty">{t("catalog.empty")}</p>
          ) : (
            <ul className="grid" aria-label={t("catalog.title")}>
              {page.data.templates.map((template) => (
                <li key={template.id}>
                  <TemplateCard template={template} aspect={aspect as Aspect | ""} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function TemplateCard({ template, aspect }: { template: CatalogItem; aspect: Aspect | "" }) {
  const { t } = useTranslation();
  const [playing, setPlaying] = useState(false);
  const cover =
    template.aspects.find((a) => a.aspect === aspect && a.cover_url) ??
    template.aspects.find((a) => a.aspect === "16:9" && a.cover_url) ??
    template.aspects.find((a) => a.cover_url);
  return (
    <article
      className="card"
      data-testid="template-card"
      data-template={template.id}
      onMouseEnter={() => setPlaying(true)}
      onMouseLeave={() => setPlaying(false)}
    >
      <Link to={`/templates/${template.id}`} className="card-media" onFocus={() => setPlaying(true)} onBlur={() => setPlaying(false)}>
        {cover?.cover_url ? (
          <img
            src={cover.cover_url}
            alt={t("catalog.coverAlt", { name: template.name })}
            width={cover.width}
            height={cover.height}
            loading="lazy"
            style={{ aspectRatio: `${cover.width} / ${cover.height}` }}
          />
        ) : (
          <div className="cover-missing" role="img" aria-label={t("catalog.noCover", { name: template.name })} />
        )}
        {playing && template.preview_url && (
          <video
            className="card-preview"
            src={template.preview_url}
            muted
            autoPlay
            loop
            playsInline
            aria-label={t("catalog.previewOf", { name: template.name })}
          />
        )}
      </Link>
      <div className="card-body">
        <h2>
          <Link to={`/templates/${template.id}`}>{template.name}</Link>
        </h2>
        <p className="muted">
          {t("catalog.meta", {
            seconds: number(template.length_seconds, 1),
            aspects: template.aspects.map((a) => formatAspect(a.aspect)).join(t("catalog.separator")),
          })}
        </p>
        {template.preview_url && (
          <button
            type="button"
            className="button-link"
            aria-pressed={playing}
            onClick={() => setPlaying((p) => !p)}
          >
            {playing ? t("catalog.stopPreview") : t("catalog.playPreview")}
          </button>
        )}
      </div>
    </article>
  );
}
