import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { ApiError, getJson, tokens } from "./api";

export function useSignedIn(): boolean {
  return useSyncExternalStore(
    (listener) => tokens.subscribe(() => listener()),
    () => tokens.signedIn,
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads with {@code load} whenever {@code deps} change; the answer of a superseded load is dropped. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(undefined);
    load(controller.signal)
      .then((value) => {
        if (!controller.signal.aborted) setData(value);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) }));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}

/** The value, settled for {@code ms} without change. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * An action that runs once at a time: calls while one is in flight are dropped, so a double
 * click submits once. Its error is kept for the form to show.
 */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>) {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = useCallback(
    async (...args: A): Promise<T | undefined> => {
      if (running.current) return undefined;
      running.current = true;
      setBusy(true);
      setError(undefined);
      try {
        return await action(...args);
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) }));
        return undefined;
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [action],
  );
  return { run, busy, error, setError };
}

/** The catalog's names of templates, by id, in the page's language (a render names only the id). */
export function useTemplateNames(lang: string): (id: string) => string {
  const catalog = useLoad(
    (signal) =>
      getJson<{ templates: { id: string; name: string }[] }>(`/v1/catalog/templates?lang=${lang}&page_size=100`, {
        signal,
      }),
    [lang],
  );
  return useCallback(
    (id: string) => catalog.data?.templates.find((t) => t.id === id)?.name ?? id,
    [catalog.data],
  );
}
