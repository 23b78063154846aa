import { EventSourceParserStream } from "eventsource-parser/stream";
import { call } from "./api";

export interface Progress {
  state: string;
  frames_done: number;
  total_frames: number;
  percent: number;
  frames_per_second: number;
  eta_ms: number;
  waiting?: string;
}

export interface StreamHandlers {
  progress: (p: Progress) => void;
  end: (state: string) => void;
  error: (detail: string) => void;
}

/**
 * A render's server-sent events, read with fetch so the request carries the access token
 * (EventSource cannot send headers). Answers when the stream ends; throws when it breaks.
 */
export async function followRender(id: string, handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
  const res = await call(`/v1/renders/${id}/events`, { headers: { Accept: "text/event-stream" }, signal });
  if (!res.body) throw new Error("no event stream");
  const reader = res.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    if (!value.data) continue;
    const data = JSON.parse(value.data) as Record<string, unknown>;
    if (value.event === "progress") handlers.progress(data as unknown as Progress);
    else if (value.event === "end") {
      handlers.end(String(data.state ?? ""));
      return;
    } else if (value.event === "expired") {
      // The gateway ends a stream after a while; the caller follows again.
      return;
    } else if (value.event === "error") {
      handlers.error(String(data.detail ?? ""));
      return;
    }
  }
}
