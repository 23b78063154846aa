import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { percent } from "../format";

/** The console's frame: its sections, then the page. */
export function ConsoleLayout() {
  const { t } = useTranslation();
  return (
    <div className="console">
      <nav className="console-nav" aria-label={t("console.sections")}>
        <NavLink to="/console" end>
          {t("console.nav.farm")}
        </NavLink>
        <NavLink to="/console/jobs">{t("console.nav.jobs")}</NavLink>
        <NavLink to="/console/crashes">{t("console.nav.crashes")}</NavLink>
        <NavLink to="/console/templates">{t("console.nav.templates")}</NavLink>
        <NavLink to="/console/tenants">{t("console.nav.tenants")}</NavLink>
        <NavLink to="/console/payments">{t("console.nav.payments")}</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}

/** A state as a coloured badge; the words are the state's name in the page's language. */
export function Badge({ kind, state }: { kind: "node" | "job" | "chunk" | "tx"; state: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-${state}`} data-state={state}>
      {t(`console.${kind}States.${state}`, { defaultValue: state })}
    </span>
  );
}

/** A share (0..1) as a bar with its percentage; a dash when unknown. */
export function Meter({ value, label }: { value: number | null | undefined; label: string }) {
  if (value === null || value === undefined || Number.isNaN(value)) return <span className="muted">—</span>;
  const share = Math.min(1, Math.max(0, value));
  return (
    <span className="meter-cell">
      <meter min={0} max={1} low={0.7} high={0.9} optimum={0.2} value={share} aria-label={label} />
      <span>{percent(share * 100)}</span>
    </span>
  );
}

/** Whether the page follows the farm live, or is trying to again. */
export function LiveIndicator({ live }: { live: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={live ? "live live-on" : "live"} role="status" data-testid="live" data-live={live}>
      {live ? t("console.live") : t("console.reconnecting")}
    </span>
  );
}

/** The time now, again every {@code ms} while {@code ticking}. */
export function useNow(ms: number, ticking = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms, ticking]);
  return now;
}

/** Paging by the API's tokens: the first page, the tokens of those after it seen so far. */
export function usePages() {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const token = stack[stack.length - 1];
  return {
    token,
    page: stack.length,
    next: (t: string) => setStack((s) => [...s, t]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([null]),
  };
}

export function Pager({
  pages,
  nextToken,
}: {
  pages: ReturnType<typeof usePages>;
  nextToken: string | null | undefined;
}) {
  const { t } = useTranslation();
  return (
    <div className="pager">
      <button type="button" className="button-secondary" disabled={pages.page <= 1} onClick={pages.previous}>
        {t("console.previous")}
      </button>
      <button
        type="button"
        className="button-secondary"
        disabled={!nextToken}
        onClick={() => nextToken && pages.next(nextToken)}
      >
        {t("console.next")}
      </button>
    </div>
  );
}

/** A query string of the values that are set. */
export function query(params: Record<string, string | number | null | undefined | false>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== false && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** An id shortened for a table (the whole in its title). */
export function ShortId({ id }: { id: string }) {
  return (
    <code dir="ltr" title={id}>
      {id.slice(0, 8)}
    </code>
  );
}
