import { useEffect, useRef, useState } from "react";
import { ApiError } from "../api";
import { readEvents } from "./stream";

export interface Live {
  /** Whether the stream is open and has spoken. */
  live: boolean;
  /** Why it is not, while it tries again. */
  error: ApiError | undefined;
  /** Tries again now. */
  reconnect: () => void;
}

/**
 * Follows an event stream for as long as the page shows it: on a drop it reconnects after 1, 2,
 * 4 … 30 s (back to 1 s once a stream has spoken); an answer in 4xx (but 408 and 429) stops it.
 */
export function useLive(path: string | null, onEvent: (event: string, data: unknown) => void): Live {
  const [live, setLive] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [generation, setGeneration] = useState(0);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    const connect = () => {
      readEvents(
        path,
        (event, data) => {
          delay = 1000;
          setLive(true);
          setError(undefined);
          handler.current(event, data);
        },
        controller.signal,
      )
        .then(() => {
          if (controller.signal.aborted) return;
          setLive(false);
          timer = setTimeout(connect, delay);
          delay = Math.min(delay * 2, 30_000);
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          setLive(false);
          const problem = e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) });
          setError(problem);
          const refused = problem.status >= 400 && problem.status < 500 && ![408, 429].includes(problem.status);
          if (refused) return;
          timer = setTimeout(connect, delay);
          delay = Math.min(delay * 2, 30_000);
        });
    };
    connect();
    return () => {
      controller.abort();
      clearTimeout(timer);
      setLive(false);
    };
  }, [path, generation]);
  return { live, error, reconnect: () => setGeneration((g) => g + 1) };
}
