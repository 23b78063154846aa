import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { postJson } from "../../api";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import { Badge, LiveIndicator, Meter, ShortId, useNow } from "../../console/parts";
import type { Farm as FarmState, FarmNode, Job } from "../../console/types";
import { useLive } from "../../console/useLive";
import { bytes, number, percent, relative } from "../../format";
import { useAction } from "../../hooks";

export type NodeAction = "drain" | "disable" | "enable" | "release";

/** What may be done to a node in its state. */
export function nodeActions(node: FarmNode): NodeAction[] {
  const out: NodeAction[] = [];
  if (node.state === "online") out.push("drain");
  if (node.state === "draining" || node.state === "disabled") out.push("enable");
  if (node.state === "quarantined") out.push("release");
  if (node.state !== "disabled") out.push("disable");
  return out;
}

/** A node action behind its confirmation; answers the node as it is after. */
export function useNodeAction(onDone: (node: FarmNode) => void) {
  const [pending, setPending] = useState<{ action: NodeAction; node: string }>();
  const act = useAction(async (action: NodeAction, node: string, reason: string) => {
    const after = await postJson<FarmNode>(
      `/v1/admin/farm/nodes/${encodeURIComponent(node)}/${action}`,
      reason ? { reason } : {},
    );
    onDone(after);
    setPending(undefined);
  });
  return { pending, ask: (action: NodeAction, node: string) => setPending({ action, node }), act, close: () => {
    setPending(undefined);
    act.setError(undefined);
  } };
}

export function NodeActionDialog({ control }: { control: ReturnType<typeof useNodeAction> }) {
  const { t } = useTranslation();
  const { pending, act } = control;
  return (
    <ConfirmDialog
      open={pending !== undefined}
      title={pending ? t(`console.nodeAction.${pending.action}.title`, { node: pending.node }) : ""}
      message={pending && <p>{t(`console.nodeAction.${pending.action}.explain`)}</p>}
      confirmLabel={pending ? t(`console.nodeAction.${pending.action}.confirm`) : ""}
      danger={pending?.action === "disable"}
      busy={act.busy}
      error={act.error}
      onConfirm={(reason) => pending && void act.run(pending.action, pending.node, reason)}
      onClose={control.close}
    />
  );
}

/** The farm now: its nodes and the jobs on it, live from the farm's event stream. */
export function Farm() {
  const { t } = useTranslation();
  useTitle(t("console.farm.title"));
  const [farm, setFarm] = useState<FarmState>();
  const stream = useLive("/v1/admin/farm/events", (event, data) => {
    if (event === "farm") setFarm(data as FarmState);
  });
  const now = useNow(5000);
  const control = useNodeAction((node) =>
    setFarm((f) => f && { ...f, nodes: f.nodes.map((n) => (n.id === node.id ? node : n)) }),
  );
  return (
    <section>
      <div className="title-row">
        <h1>{t("console.farm.title")}</h1>
        <LiveIndicator live={stream.live} />
      </div>
      <ErrorNotice error={stream.error} retry={stream.reconnect} />
      {!farm && !stream.error && <Loading />}
      {farm && (
        <>
          <h2>{t("console.farm.nodes", { n: number(farm.nodes.length) })}</h2>
          {farm.nodes.length === 0 ? (
            <p className="empty">{t("console.farm.noNodes")}</p>
          ) : (
            <NodesTable nodes={farm.nodes} now={now} onAction={control.ask} />
          )}
          <NodeActionDialog control={control} />
          <h2>{t("console.farm.jobs")}</h2>
          {farm.jobs.length === 0 ? <p className="empty">{t("console.farm.noJobs")}</p> : <ActiveJobs jobs={farm.jobs} />}
        </>
      )}
    </section>
  );
}

function NodesTable({
  nodes,
  now,
  onAction,
}: {
  nodes: FarmNode[];
  now: number;
  onAction: (action: NodeAction, node: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="nodes">
        <thead>
          <tr>
            <th>{t("console.node.name")}</th>
            <th>{t("console.node.state")}</th>
            <th>{t("console.node.engines")}</th>
            <th>{t("console.node.slots")}</th>
            <th>{t("console.node.cache")}</th>
            <th>{t("console.node.cpu")}</th>
            <th>{t("console.node.memory")}</th>
            <th>{t("console.node.gpu")}</th>
            <th>{t("console.node.lastSeen")}</th>
            <th>{t("console.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((node) => {
            const r = node.resources;
            return (
              <tr key={node.id} data-node={node.name} data-state={node.state}>
                <td>
                  <Link to={`/console/nodes/${encodeURIComponent(node.name)}`} dir="ltr">
                    {node.name}
                  </Link>
                  {!node.connected && <span className="muted"> · {t("console.node.disconnected")}</span>}
                  {node.quarantine_reason && <div className="muted small">{node.quarantine_reason}</div>}
                </td>
                <td>
                  <Badge kind="node" state={node.state} />
                </td>
                <td dir="ltr" className="cell-start">
                  {node.engines.join(", ")}
                </td>
                <td>
                  {t("console.node.slotsUsed", { used: number(node.running_chunks), slots: number(node.slots) })}
                </td>
                <td>
                  {node.cache ? (
                    <>
                      {bytes(node.cache.used_bytes)}
                      {node.cache.hit_rate !== null && (
                        <span className="muted"> · {t("console.node.hitRate", { rate: percent(node.cache.hit_rate * 100) })}</span>
                      )}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td>
                  <Meter value={r?.cpu_load} label={t("console.node.cpuOf", { node: node.name })} />
                </td>
                <td>
                  <Meter
                    value={r && r.memory_total_bytes > 0 ? r.memory_used_bytes / r.memory_total_bytes : null}
                    label={t("console.node.memoryOf", { node: node.name })}
                  />
                </td>
                <td>
                  {r?.gpu_present ? (
                    <Meter value={r.gpu_load} label={t("console.node.gpuOf", { node: node.name })} />
                  ) : (
                    <span className="muted">{t("console.node.noGpu")}</span>
                  )}
                </td>
                <td>{node.last_seen_at ? relative(node.last_seen_at, now) : "—"}</td>
                <td className="actions">
                  {nodeActions(node).map((action) => (
                    <button
                      key={action}
                      type="button"
                      className="button-secondary button-small"
                      onClick={() => onAction(action, node.name)}
                    >
                      {t(`console.nodeAction.${action}.button`)}
                    </button>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function JobProgress({ job }: { job: Job }) {
  const { t } = useTranslation();
  const pct = job.total_frames > 0 ? (100 * job.frames_done) / job.total_frames : 0;
  return (
    <span className="meter-cell">
      <progress max={100} value={pct} aria-label={t("console.job.progressOf", { id: job.id.slice(0, 8) })} />
      <span>{percent(pct)}</span>
    </span>
  );
}

function ActiveJobs({ jobs }: { jobs: Job[] }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t("console.job.id")}</th>
            <th>{t("console.job.template")}</th>
            <th>{t("console.job.state")}</th>
            <th>{t("console.job.progress")}</th>
            <th>{t("console.job.chunks")}</th>
            <th>{t("console.job.priority")}</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} data-job={job.id}>
              <td>
                <Link to={`/console/jobs/${job.id}`}>
                  <ShortId id={job.id} />
                </Link>
              </td>
              <td dir="ltr" className="cell-start">
                {job.template_id}
              </td>
              <td>
                <Badge kind="job" state={job.state} />
                {job.waiting_reason && <div className="muted small">{job.waiting_reason}</div>}
              </td>
              <td>
                <JobProgress job={job} />
              </td>
              <td>
                {number(job.chunks_done)} / {number(job.chunks_total)}
              </td>
              <td>{number(job.priority)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
