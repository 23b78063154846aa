// The gateway's REST API, the only thing this app speaks to. Problems (RFC 9457 problem+json)
// become ApiError with the fields they name; a lost connection or a 5xx becomes a retryable
// error; a 401 on a signed-in call is answered by one silent refresh, shared by every call
// that needs it, then the call once more.

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
  request_id?: string;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  /** Whether trying again may work: the gateway or the way to it failed, not the request. */
  get retryable(): boolean {
    return this.problem.status === 0 || this.problem.status >= 500 || this.problem.status === 429;
  }
  /** The message for one field (a binding is named bindings.<name>), if the problem names it. */
  fieldMessage(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.message;
  }
}

export interface Session {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user_id: string;
  tenant_id: string;
  role: string;
}

const REFRESH_KEY = "flatrender.refresh";

type Listener = (signedIn: boolean) => void;

class Tokens {
  private access: string | null = null;
  /** When the access token is due for a refresh: 30 s (or a quarter of its life) before it expires. */
  private refreshAt = 0;
  private refreshing: Promise<boolean> | null = null;
  private listeners = new Set<Listener>();

  get signedIn(): boolean {
    return this.access !== null || localStorage.getItem(REFRESH_KEY) !== null;
  }

  accessToken(): string | null {
    return this.access;
  }

  /**
   * Whether a call should refresh before it goes: no access token, or one about to expire (sent
   * anyway when the refresh fails, while it lasts; a call that meets its expiry gets a 401 and
   * refreshes then).
   */
  refreshDue(): boolean {
    return this.access === null || Date.now() >= this.refreshAt;
  }

  set(session: Session): void {
    this.access = session.access_token;
    const lifetime = session.expires_in * 1000;
    this.refreshAt = Date.now() + lifetime - Math.min(30_000, lifetime / 4);
    localStorage.setItem(REFRESH_KEY, session.refresh_token);
    this.listeners.forEach((l) => l(true));
  }

  clear(): void {
    this.access = null;
    localStorage.removeItem(REFRESH_KEY);
    this.listeners.forEach((l) => l(false));
  }

  refreshToken(): string | null {
    return localStorage.getItem(REFRESH_KEY);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One refresh at a time: a refresh token is single use (the gateway revokes a family whose
   * token comes twice), so callers in this tab share the one in flight, and tabs take turns
   * under a Web Lock, each reading the token the last one left.
   */
  refresh(): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    if (!this.refreshToken()) return Promise.resolve(false);
    const run = () => this.refreshNow();
    const locked: Promise<boolean> = navigator.locks
      ? (navigator.locks.request("flatrender.refresh", run) as unknown as Promise<boolean>)
      : run();
    const refreshing = locked.finally(() => {
      this.refreshing = null;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  private async refreshNow(): Promise<boolean> {
    const token = this.refreshToken();
    if (!token) return false;
    {
      try {
        const res = await fetch("/v1/auth/refresh", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refresh_token: token }),
        });
        if (res.ok) {
          this.set((await res.json()) as Session);
          return true;
        }
        if (res.status === 401 || res.status === 400) this.clear();
        return false;
      } catch {
        return false;
      }
    }
  }
}

export const tokens = new Tokens();

// Logged out in another tab: this one forgets its access token too.
window.addEventListener("storage", (event) => {
  if (event.key === REFRESH_KEY && event.newValue === null && tokens.signedIn) tokens.clear();
});

export interface RequestOptions {
  method?: string;
  body?: unknown;
  raw?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  auth?: boolean;
  signal?: AbortSignal;
}

async function problemOf(res: Response): Promise<ApiError> {
  let problem: Problem = { status: res.status, title: res.statusText };
  const type = res.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    try {
      problem = { ...(await res.json()), status: res.status };
    } catch {
      /* the status is all there is */
    }
  }
  return new ApiError(problem);
}

/** A call of the gateway; answers the Response when it is 2xx, throws ApiError otherwise. */
export async function call(path: string, options: RequestOptions = {}): Promise<Response> {
  const auth = options.auth ?? true;
  const send = async (): Promise<Response> => {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    let body: BodyInit | undefined = options.raw;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    } else if (options.contentType) {
      headers["Content-Type"] = options.contentType;
    }
    const access = tokens.accessToken();
    if (auth && access) headers.Authorization = `Bearer ${access}`;
    try {
      return await fetch(path, { method: options.method ?? "GET", headers, body, signal: options.signal });
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") throw e;
      throw new ApiError({ status: 0, title: "network", detail: String(e) });
    }
  };
  if (auth && tokens.refreshDue() && tokens.refreshToken() !== null) {
    await tokens.refresh();
  }
  let res = await send();
  // A refresh only for a token that failed, not for a 401 about what was sent (a wrong code).
  if (res.status === 401 && auth && tokens.refreshToken() !== null) {
    const problem = await problemOf(res.clone());
    if ((problem.problem.type ?? "").endsWith("/unauthorized") && (await tokens.refresh())) res = await send();
  }
  if (!res.ok) throw await problemOf(res);
  return res;
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await (await call(path, options)).json()) as T;
}

export async function postJson<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
  const res = await call(path, { ...options, method: options.method ?? "POST", body });
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
