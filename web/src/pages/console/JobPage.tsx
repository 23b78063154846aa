import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { getJson, postJson } from "../../api";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import { Badge, LiveIndicator, useNow } from "../../console/parts";
import { CrashesTable, RepairsTable } from "../../console/tables";
import type { Chunk, Job, JobDetail } from "../../console/types";
import { useLive } from "../../console/useLive";
import { dateTime, duration, number } from "../../format";
import { useAction, useLoad } from "../../hooks";
import { JobProgress } from "./Farm";

type JobAction = "cancel" | "pause" | "resume" | "retry";
const FINAL = new Set(["succeeded", "failed", "cancelled"]);

function jobActions(job: Job): JobAction[] {
  const out: JobAction[] = [];
  if (job.state === "paused") out.push("resume");
  else if (!FINAL.has(job.state)) out.push("pause");
  if (job.state === "failed" || job.state === "cancelled") out.push("retry");
  if (!FINAL.has(job.state)) out.push("cancel");
  return out;
}

/** A job: its state and actions, its chunks on a timeline by node (live), its crashes and repairs. */
export function JobPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  useTitle(t("console.jobPage.title", { id: id.slice(0, 8) }));
  const loaded = useLoad((signal) => getJson<JobDetail>(`/v1/admin/farm/jobs/${id}`, { signal }), [id]);
  const [live, setLive] = useState<JobDetail>();
  const job = live?.id === id ? live : loaded.data;
  const running = job !== undefined && !FINAL.has(job.state);
  // Followed while it may still change (a retried job is followed again).
  const stream = useLive(
    job === undefined || running ? `/v1/admin/farm/events?job=${encodeURIComponent(id)}` : null,
    (event, data) => {
      if (event === "job") setLive(data as JobDetail);
    },
  );
  const now = useNow(1000, running);
  const [pending, setPending] = useState<JobAction>();
  const act = useAction(async (action: JobAction, reason: string) => {
    const after = await postJson<Job>(`/v1/admin/farm/jobs/${id}/${action}`, reason ? { reason } : {});
    setLive((d) => ({ ...(d ?? job!), ...after }));
    setPending(undefined);
  });
  const [priority, setPriority] = useState<string>();
  const savePriority = useAction(async (value: number) => {
    const after = await postJson<Job>(`/v1/admin/farm/jobs/${id}/priority`, { priority: value });
    setLive((d) => ({ ...(d ?? job!), ...after }));
    setPriority(undefined);
  });

  if (!job) {
    return (
      <section>
        <h1>{t("console.jobPage.title", { id: id.slice(0, 8) })}</h1>
        {loaded.loading ? <Loading /> : <ErrorNotice error={loaded.error} retry={loaded.reload} />}
      </section>
    );
  }
  return (
    <section>
      <p>
        <Link to="/console/jobs">{t("console.jobs.title")}</Link>
      </p>
      <div className="title-row">
        <h1>{t("console.jobPage.title", { id: id.slice(0, 8) })}</h1>
        {running && <LiveIndicator live={stream.live} />}
      </div>
      {running && <ErrorNotice error={stream.error} retry={stream.reconnect} />}
      <dl className="facts">
        <dt>{t("console.job.state")}</dt>
        <dd data-testid="job-state" data-state={job.state}>
          <Badge kind="job" state={job.state} />
          {job.waiting_reason && <span className="muted"> · {job.waiting_reason}</span>}
        </dd>
        {job.error && (
          <>
            <dt>{t("console.jobPage.error")}</dt>
            <dd className="danger" dir="auto">
              {job.error}
            </dd>
          </>
        )}
        <dt>{t("console.job.id")}</dt>
        <dd>
          <code dir="ltr">{job.id}</code>
        </dd>
        <dt>{t("console.job.template")}</dt>
        <dd dir="ltr" className="cell-start">
          {job.template_id} v{job.template_version} · {job.engine} · {job.aspect} · {job.tier} · {job.fps} fps
        </dd>
        <dt>{t("console.jobs.tenant")}</dt>
        <dd>
          <code dir="ltr">{job.tenant_id}</code>
        </dd>
        <dt>{t("console.job.progress")}</dt>
        <dd>
          <JobProgress job={job} />{" "}
          {t("console.jobPage.frames", {
            done: number(job.frames_done),
            total: number(job.total_frames),
            chunks: number(job.chunks_done),
            chunksTotal: number(job.chunks_total),
          })}
        </dd>
        {job.chunk_frames > 0 && (
          <>
            <dt>{t("console.jobPage.chunkSize")}</dt>
            <dd data-testid="chunk-size">
              {t("console.jobPage.chunkFrames", { frames: number(job.chunk_frames) })}
              {job.chunk_plan && (
                <span className="muted" dir="ltr">
                  {" "}
                  · {job.chunk_plan}
                </span>
              )}
            </dd>
          </>
        )}
        <dt>{t("console.job.created")}</dt>
        <dd>
          {dateTime(job.created_at)}
          {job.started_at && (
            <span className="muted">
              {" "}
              · {t("console.jobPage.took", {
                time: duration((job.finished_at ? Date.parse(job.finished_at) : now) - Date.parse(job.started_at)),
              })}
            </span>
          )}
        </dd>
      </dl>
      <div className="actions-row">
        {jobActions(job).map((action) => (
          <button
            key={action}
            type="button"
            className={action === "cancel" ? "button-danger" : "button-secondary"}
            onClick={() => setPending(action)}
          >
            {t(`console.jobAction.${action}.button`)}
          </button>
        ))}
        <form
          className="priority"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const value = Number(priority ?? job.priority);
            if (Number.isInteger(value)) void savePriority.run(value);
          }}
        >
          <Field label={t("console.job.priority")} error={savePriority.error?.fieldMessage("priority")}>
            {(aria) => (
              <input
                {...aria}
                type="number"
                step={1}
                inputMode="numeric"
                value={priority ?? String(job.priority)}
                onChange={(e) => setPriority(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button-secondary" disabled={savePriority.busy || priority === undefined}>
            {t("console.jobPage.savePriority")}
          </button>
        </form>
      </div>
      <ErrorNotice error={savePriority.error} />
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? t(`console.jobAction.${pending}.title`, { id: id.slice(0, 8) }) : ""}
        message={pending && <p>{t(`console.jobAction.${pending}.explain`)}</p>}
        confirmLabel={pending ? t(`console.jobAction.${pending}.confirm`) : ""}
        danger={pending === "cancel"}
        busy={act.busy}
        error={act.error}
        onConfirm={(reason) => pending && void act.run(pending, reason)}
        onClose={() => {
          setPending(undefined);
          act.setError(undefined);
        }}
      />
      <h2>{t("console.jobPage.timeline")}</h2>
      <Timeline chunks={job.chunks} now={now} />
      <h2>{t("console.jobPage.chunks")}</h2>
      <ChunksTable chunks={job.chunks} />
      <h2>{t("console.nav.crashes")}</h2>
      <CrashesTable crashes={job.crashes} />
      <h2>{t("console.repairs.title")}</h2>
      <RepairsTable repairs={job.repairs} />
    </section>
  );
}

const CHUNK_STATES = ["pending", "assigned", "running", "done", "failed", "dead", "cancelled"];

/**
 * One row per node, each chunk a bar from its start to its end (or now while it runs), labelled
 * with its frames and coloured by its state. Time runs in the page's reading direction.
 */
function Timeline({ chunks, now }: { chunks: Chunk[]; now: number }) {
  const { t } = useTranslation();
  const taskName = (task: string) => t(`console.chunkTasks.${task}`, { defaultValue: task });
  const placed = chunks.filter((c) => c.started_at && c.node_name);
  if (placed.length === 0) return <p className="empty">{t("console.jobPage.notStarted")}</p>;
  const start = (c: Chunk) => Date.parse(c.started_at!);
  const end = (c: Chunk) => (c.finished_at ? Date.parse(c.finished_at) : Math.max(now, start(c)));
  const from = Math.min(...placed.map(start));
  const to = Math.max(...placed.map(end), from + 1000);
  const span = to - from;
  const nodes = [...new Set(placed.map((c) => c.node_name!))].sort();
  const present = CHUNK_STATES.filter((s) => placed.some((c) => c.state === s));
  return (
    <figure className="timeline" data-testid="timeline">
      {nodes.map((node) => (
        <div className="timeline-row" key={node} data-node={node}>
          <div className="timeline-node" dir="ltr">
            {node}
          </div>
          <div className="timeline-track">
            {placed
              .filter((c) => c.node_name === node)
              .map((c) => {
                const frames = `${number(c.first_frame)}–${number(c.last_frame)}`;
                const label = c.task && c.task !== "frames" ? `${taskName(c.task)} ${frames}` : frames;
                return (
                  <div
                    key={`${c.id}-${c.attempt}`}
                    className={`chunk-bar chunk-${c.state}`}
                    data-chunk-seq={c.seq}
                    data-node={node}
                    data-state={c.state}
                    style={{
                      insetInlineStart: `${(100 * (start(c) - from)) / span}%`,
                      inlineSize: `max(2px, ${(100 * (end(c) - start(c))) / span}%)`,
                    }}
                    title={t("console.jobPage.barTitle", {
                      seq: number(c.seq),
                      frames: label,
                      state: t(`console.chunkStates.${c.state}`, { defaultValue: c.state }),
                      time: duration(end(c) - start(c)),
                    })}
                  >
                    <span>{label}</span>
                  </div>
                );
              })}
          </div>
        </div>
      ))}
      <figcaption className="timeline-legend">
        <span>{t("console.jobPage.span", { time: duration(span) })}</span>
        {present.map((s) => (
          <span key={s} className="legend-item">
            <span className={`swatch-small chunk-${s}`} aria-hidden="true" />
            {t(`console.chunkStates.${s}`)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function ChunksTable({ chunks }: { chunks: Chunk[] }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t("console.chunk.seq")}</th>
            <th>{t("console.chunk.task")}</th>
            <th>{t("console.chunk.frames")}</th>
            <th>{t("console.job.state")}</th>
            <th>{t("console.chunk.attempt")}</th>
            <th>{t("console.chunk.node")}</th>
            <th>{t("console.chunk.done")}</th>
            <th>{t("console.chunk.started")}</th>
            <th>{t("console.chunk.finished")}</th>
            <th>{t("console.jobPage.error")}</th>
          </tr>
        </thead>
        <tbody>
          {chunks.map((c) => (
            <tr key={c.id} data-chunk-seq={c.seq} data-state={c.state}>
              <td>{number(c.seq)}</td>
              <td>{c.task ? t(`console.chunkTasks.${c.task}`, { defaultValue: c.task }) : "—"}</td>
              <td>
                {number(c.first_frame)}–{number(c.last_frame)}
              </td>
              <td>
                <Badge kind="chunk" state={c.state} />
              </td>
              <td>{number(c.attempt)}</td>
              <td dir="ltr" className="cell-start">
                {c.node_name ?? "—"}
              </td>
              <td>{number(c.frames_done)}</td>
              <td>{c.started_at ? dateTime(c.started_at) : "—"}</td>
              <td>{c.finished_at ? dateTime(c.finished_at) : "—"}</td>
              <td className="wrap" dir="auto">
                {c.error ?? ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
