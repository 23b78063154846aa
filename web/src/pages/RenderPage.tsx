import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiError, call, getJson, postJson } from "../api";
import { followRender, type Progress } from "../events";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { aspect as formatAspect, dateTime, duration, number, percent, toman } from "../format";
import { useAction, useLoad, useTemplateNames } from "../hooks";
import type { Render } from "../types";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);
const STATE_NAMES = { submitting: 1, queued: 1, rendering: 1, succeeded: 1, failed: 1, cancelled: 1 };

/** A render: live progress from its event stream, then the video, its download, or why it failed. */
export function RenderPage() {
  const { id = "" } = useParams();
  const { t, i18n } = useTranslation();
  useTitle(t("render.title"));
  const nameOf = useTemplateNames(i18n.language);
  const render = useLoad((signal) => getJson<Render>(`/v1/renders/${id}`, { signal }), [id]);
  const [progress, setProgress] = useState<Progress>();
  const [streamError, setStreamError] = useState<ApiError>();
  const [generation, setGeneration] = useState(0);
  const state = render.data?.state;
  const final = state !== undefined && FINAL.has(state);
  // Follow the stream once the render is known and while it is not over.
  const live = state !== undefined && !final;

  useEffect(() => {
    if (!live) return;
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    setStreamError(undefined);
    followRender(
      id,
      {
        progress: setProgress,
        end: () => undefined,
        error: (detail) => {
          setStreamError(new ApiError({ status: 503, detail }));
        },
      },
      controller.signal,
    )
      .then(() => {
        // Ended (done, expired, or closed on the way): see where the render stands, follow again.
        if (controller.signal.aborted) return;
        render.reload();
        retry = setTimeout(() => setGeneration((g) => g + 1), 2000);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setStreamError(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) }));
      });
    return () => {
      controller.abort();
      clearTimeout(retry);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, live, generation]);

  const cancel = useAction(async () => {
    await postJson(`/v1/renders/${id}/cancel`, {});
    render.reload();
  });

  if (render.loading && !render.data) return <Loading />;
  if (!render.data) return <ErrorNotice error={render.error} retry={render.reload} />;
  const r = render.data;
  const done = progress?.frames_done ?? r.progress?.frames_done ?? 0;
  const total = progress?.total_frames ?? r.progress?.total_frames ?? 0;
  // The stream's state is the newer while it runs (queued, then rendering).
  const shownState = !final && progress?.state && progress.state in STATE_NAMES ? progress.state : r.state;
  const pct = r.state === "succeeded" ? 100 : (progress?.percent ?? (total > 0 ? (100 * done) / total : 0));
  return (
    <section className="render">
      <h1>{t("render.heading", { template: nameOf(r.template) })}</h1>
      <dl className="facts">
        <dt>{t("render.state")}</dt>
        <dd data-testid="render-state" data-state={shownState}>
          {t(`states.${shownState}`)}
        </dd>
        <dt>{t("render.choices")}</dt>
        <dd>
          {formatAspect(r.aspect)} · {t(`tiers.${r.tier}`)}
        </dd>
        <dt>{t("render.charge")}</dt>
        <dd>
          {toman(r.charge_rial)} ({t("render.seconds", { n: number(r.charge_seconds) })})
        </dd>
        <dt>{t("render.created")}</dt>
        <dd>{dateTime(r.created_at)}</dd>
      </dl>
      {!final && (
        <div className="progress-box">
          <progress
            max={100}
            value={pct}
            aria-label={t("render.progress")}
            data-testid="render-progress"
            data-percent={Math.round(pct)}
          />
          <p aria-live="polite">
            {t("render.frames", { done: number(done), total: number(total), percent: percent(pct) })}
            {progress && progress.frames_per_second > 0 && (
              <> · {t("render.speed", { fps: number(progress.frames_per_second, 1) })}</>
            )}
            {progress && progress.eta_ms > 0 && <> · {t("render.eta", { eta: duration(progress.eta_ms) })}</>}
          </p>
          {(progress?.waiting ?? r.waiting) && <p className="muted">{progress?.waiting ?? r.waiting}</p>}
          <ErrorNotice
            error={streamError}
            retry={() => {
              render.reload();
              setGeneration((g) => g + 1);
            }}
          />
          <button type="button" className="button-secondary" disabled={cancel.busy} onClick={() => void cancel.run()}>
            {t("render.cancel")}
          </button>
          <ErrorNotice error={cancel.error} />
        </div>
      )}
      {r.state === "succeeded" && (
        <>
          <p className="done" data-testid="render-done" data-percent={100}>
            {t("render.done", { percent: percent(100) })}
          </p>
          <Video render={r} />
        </>
      )}
      {r.state === "failed" && (
        <div role="alert" className="notice notice-error">
          {t("render.failed")} {r.error}
        </div>
      )}
      {r.warnings?.map((w) => (
        <p key={w} className="notice">
          {w}
        </p>
      ))}
      <p>
        <Link to="/renders">{t("render.all")}</Link>
      </p>
    </section>
  );
}

/**
 * The finished video: fetched with the access token (a video element cannot send one), shown in
 * a player and offered for download from the same bytes.
 */
function Video({ render }: { render: Render }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string>();
  const [size, setSize] = useState<number>();
  const [error, setError] = useState<ApiError>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    let made: string | undefined;
    setError(undefined);
    call(render.download_url ?? `/v1/renders/${render.id}/download`, {
      headers: { Accept: "video/mp4" },
      signal: controller.signal,
    })
      .then((res) => res.blob())
      .then((blob) => {
        if (controller.signal.aborted) return;
        made = URL.createObjectURL(blob);
        setSize(blob.size);
        setUrl(made);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) }));
      });
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [render.id, render.download_url, generation]);
  if (error) return <ErrorNotice error={error} retry={() => setGeneration((g) => g + 1)} />;
  if (!url) return <Loading />;
  return (
    <div className="video">
      <video src={url} controls playsInline aria-label={t("render.player")} data-testid="render-video" />
      <a className="button button-primary" href={url} download={`${render.template}-${render.id}.mp4`} data-size={size}>
        {t("render.download", { size: number((size ?? 0) / 1_048_576, 1) })}
      </a>
    </div>
  );
}
