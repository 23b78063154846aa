import { EventSourceParserStream } from "eventsource-parser/stream";
import { ApiError, call } from "../api";

/**
 * Server-sent events read with fetch (EventSource cannot send the access token): each event to
 * {@code onEvent} until the stream ends (answers) or breaks (throws). An `error` event is thrown
 * as the problem it carries.
 */
export async function readEvents(
  path: string,
  onEvent: (event: string, data: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await call(path, { headers: { Accept: "text/event-stream" }, signal });
  if (!res.body) throw new ApiError({ status: 0, detail: "no event stream" });
  const reader = res.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    if (!value.data) continue;
    const data = JSON.parse(value.data) as unknown;
    if (value.event === "error") {
      const problem = data as { status?: number; title?: string; detail?: string };
      throw new ApiError({ ...problem, status: problem.status ?? 503 });
    }
    onEvent(value.event ?? "message", data);
  }
}
