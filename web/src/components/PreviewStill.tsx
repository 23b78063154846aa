import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, call } from "../api";
import type { Aspect } from "../types";

interface Props {
  template: string;
  aspect: Aspect;
  bindings: Record<string, unknown>;
  frame: number;
  enabled: boolean;
  fallback: string | null;
  width: number;
  height: number;
  name: string;
  onError: (error: ApiError | undefined) => void;
}

const KEEP = 24;

/**
 * The live preview: a still of the template's middle frame from the farm's snapshot API, asked
 * for once the form has settled (the caller debounces), the last one cancelled when a newer is
 * asked, and each answer kept for its choices so going back to them shows it at once.
 */
export function PreviewStill(props: Props) {
  const { t } = useTranslation();
  const { template, aspect, bindings, frame, enabled, onError } = props;
  const cache = useRef(new Map<string, string>());
  const [shown, setShown] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  useEffect(() => {
    const kept = cache.current;
    return () => {
      kept.forEach((url) => URL.revokeObjectURL(url));
      kept.clear();
    };
  }, []);

  useEffect(() => {
    if (!enabled) {
      setBusy(false);
      return;
    }
    const key = JSON.stringify([template, aspect, frame, bindings]);
    const hit = cache.current.get(key);
    if (hit) {
      setBusy(false);
      setShown(hit);
      setError(undefined);
      onError(undefined);
      return;
    }
    const controller = new AbortController();
    setBusy(true);
    call("/v1/snapshots", {
      method: "POST",
      body: { template, aspect, frame, bindings },
      headers: { Accept: "image/jpeg" },
      signal: controller.signal,
    })
      .then((res) => res.blob())
      .then((blob) => {
        if (controller.signal.aborted) return;
        const url = URL.createObjectURL(blob);
        cache.current.set(key, url);
        if (cache.current.size > KEEP) {
          const oldest = cache.current.keys().next().value as string;
          URL.revokeObjectURL(cache.current.get(oldest)!);
          cache.current.delete(oldest);
        }
        setShown(url);
        setError(undefined);
        onError(undefined);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        const problem = e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) });
        setError(problem);
        onError(problem);
      })
      .finally(() => {
        if (!controller.signal.aborted) setBusy(false);
      });
    return () => {
      controller.abort();
      setBusy(false);
    };
  }, [template, aspect, frame, bindings, enabled, onError]);

  const src = enabled ? shown : props.fallback;
  return (
    <figure className="preview" aria-busy={busy} data-testid="preview">
      <div className="preview-frame" style={{ aspectRatio: `${props.width} / ${props.height}` }}>
        {src ? (
          <img src={src} alt={t("editor.previewAlt", { name: props.name })} data-testid="preview-image" />
        ) : (
          <div className="cover-missing" role="img" aria-label={t("editor.previewPending")} />
        )}
        {busy && <span className="spinner" aria-label={t("editor.previewUpdating")} role="status" />}
      </div>
      <figcaption>
        {!enabled
          ? t("editor.previewSignIn")
          : error && !error.problem.errors
            ? error.retryable
              ? t("editor.previewRetry")
              : (error.problem.detail ?? t("errors.unknown"))
            : error
              ? t("errors.checkFields")
              : t("editor.previewCaption")}
      </figcaption>
    </figure>
  );
}
