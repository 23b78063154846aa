import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { getJson } from "../../api";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import { Badge, Meter, useNow } from "../../console/parts";
import type { FarmNode, HealthSample } from "../../console/types";
import { bytes, dateTime, number, percent, relative, timeOfDay } from "../../format";
import { useLoad } from "../../hooks";
import { NodeActionDialog, nodeActions, useNodeAction } from "./Farm";

// A node's page: what it is, what it is doing, and its health over the last hours as a chart
// (uPlot, loaded with this page only).

export function NodePage() {
  const { node = "" } = useParams();
  const { t } = useTranslation();
  useTitle(t("console.nodePage.title", { node }));
  const now = useNow(10_000);
  const nodes = useLoad((signal) => getJson<{ nodes: FarmNode[] }>("/v1/admin/farm/nodes", { signal }), [now]);
  const since = new Date(Date.now() - 6 * 3600 * 1000).toISOString();
  const health = useLoad(
    (signal) =>
      getJson<{ node: string; samples: HealthSample[] }>(
        `/v1/admin/farm/nodes/${encodeURIComponent(node)}/health?since=${encodeURIComponent(since)}&limit=2000`,
        { signal },
      ),
    // Again every half minute.
    [node, Math.floor(now / 30_000)],
  );
  const control = useNodeAction(() => nodes.reload());
  const found = nodes.data?.nodes.find((n) => n.name === node || n.id === node);
  return (
    <section>
      <p>
        <Link to="/console">{t("console.farm.title")}</Link>
      </p>
      <h1 dir="auto">{t("console.nodePage.title", { node })}</h1>
      <ErrorNotice error={nodes.error} retry={nodes.reload} />
      {!nodes.data && nodes.loading && <Loading />}
      {nodes.data && !found && <p className="notice">{t("console.nodePage.unknown")}</p>}
      {found && (
        <>
          <dl className="facts" data-node={found.name} data-state={found.state}>
            <dt>{t("console.node.state")}</dt>
            <dd>
              <Badge kind="node" state={found.state} />
              {found.quarantine_reason && <span className="muted"> · {found.quarantine_reason}</span>}
            </dd>
            <dt>{t("console.nodePage.host")}</dt>
            <dd dir="ltr" className="cell-start">
              {found.hostname} · {found.version}
            </dd>
            <dt>{t("console.node.engines")}</dt>
            <dd dir="ltr" className="cell-start">
              {found.engines.join(", ")}
              {found.capabilities.length > 0 && ` (${found.capabilities.join(", ")})`}
            </dd>
            <dt>{t("console.node.slots")}</dt>
            <dd>{t("console.node.slotsUsed", { used: number(found.running_chunks), slots: number(found.slots) })}</dd>
            <dt>{t("console.node.cpu")}</dt>
            <dd>
              <Meter value={found.resources?.cpu_load} label={t("console.node.cpuOf", { node: found.name })} />
            </dd>
            <dt>{t("console.node.memory")}</dt>
            <dd>
              {found.resources
                ? `${bytes(found.resources.memory_used_bytes)} / ${bytes(found.resources.memory_total_bytes)}`
                : "—"}
            </dd>
            <dt>{t("console.nodePage.disk")}</dt>
            <dd>{found.resources ? bytes(found.resources.disk_free_bytes) : "—"}</dd>
            <dt>{t("console.node.cache")}</dt>
            <dd>
              {found.cache
                ? t("console.nodePage.cacheFacts", {
                    used: bytes(found.cache.used_bytes),
                    budget: bytes(found.cache.budget_bytes),
                    entries: number(found.cache.entries),
                    rate: found.cache.hit_rate === null ? "—" : percent(found.cache.hit_rate * 100),
                  })
                : "—"}
            </dd>
            <dt>{t("console.node.lastSeen")}</dt>
            <dd>
              {found.last_seen_at ? `${relative(found.last_seen_at, now)} (${dateTime(found.last_seen_at)})` : "—"}
            </dd>
          </dl>
          <div className="actions-row">
            {nodeActions(found).map((action) => (
              <button key={action} type="button" className="button-secondary" onClick={() => control.ask(action, found.name)}>
                {t(`console.nodeAction.${action}.button`)}
              </button>
            ))}
          </div>
          <NodeActionDialog control={control} />
        </>
      )}
      <h2>{t("console.nodePage.health")}</h2>
      <ErrorNotice error={health.error} retry={health.reload} />
      {health.data && health.data.samples.length === 0 && <p className="empty">{t("console.nodePage.noSamples")}</p>}
      {health.data && health.data.samples.length > 0 && <HealthChart samples={health.data.samples} />}
    </section>
  );
}

function HealthChart({ samples }: { samples: HealthSample[] }) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const el = box.current;
    if (!el || width === 0) return;
    const x = samples.map((s) => new Date(s.recorded_at).getTime() / 1000);
    const cpu = samples.map((s) => (s.cpu_load === null ? null : s.cpu_load * 100));
    const memory = samples.map((s) =>
      s.memory_used_bytes !== null && s.memory_total_bytes ? (100 * s.memory_used_bytes) / s.memory_total_bytes : null,
    );
    const chunks = samples.map((s) => s.running_chunks);
    const plot = new uPlot(
      {
        width,
        height: 280,
        series: [
          { label: t("console.nodePage.time"), value: (_u, v) => (v === null ? "—" : timeOfDay(v * 1000)) },
          { label: t("console.node.cpu"), stroke: "#4f46e5", width: 2, scale: "%", value: (_u, v) => (v === null ? "—" : percent(v)) },
          { label: t("console.node.memory"), stroke: "#067647", width: 2, scale: "%", value: (_u, v) => (v === null ? "—" : percent(v)) },
          {
            label: t("console.nodePage.runningChunks"),
            stroke: "#b54708",
            width: 2,
            scale: "n",
            paths: uPlot.paths.stepped?.({ align: 1 }),
            value: (_u, v) => (v === null ? "—" : number(v)),
          },
        ],
        scales: { "%": { range: [0, 100] }, n: { range: (_u, _min, max) => [0, Math.max(2, max ?? 0)] } },
        axes: [
          { values: (_u, splits) => splits.map((v) => timeOfDay(v * 1000)) },
          { scale: "%", values: (_u, splits) => splits.map((v) => percent(v)) },
          { scale: "n", side: 1, grid: { show: false }, incrs: [1, 2, 5, 10, 20, 50, 100], values: (_u, splits) => splits.map((v) => number(v)) },
        ],
      },
      [x, cpu, memory, chunks],
      el,
    );
    return () => plot.destroy();
  }, [samples, width, t, i18n.language]);
  // The chart's time runs left to right in both languages, as clocks and axes do.
  return (
    <figure className="chart">
      <div ref={box} dir="ltr" data-testid="health-chart" />
      <figcaption className="muted">{t("console.nodePage.chartCaption", { n: number(samples.length) })}</figcaption>
    </figure>
  );
}
