import { useSyncExternalStore } from "react";
import { ApiError, getJson, tokens } from "../api";
import type { Me } from "../types";

// Who the signed-in user is (GET /v1/me), asked once per session and shared by the nav and
// the console's guard; forgotten when the session changes (a login, a logout, another tab).

export interface MeState {
  me: Me | undefined;
  loading: boolean;
  error: ApiError | undefined;
}

let state: MeState = { me: undefined, loading: false, error: undefined };
let asked = false;
/** Bumped whenever the session may have changed hands: an answer asked before it is dropped. */
let generation = 0;

/** The user id an access token names (its `sub`), or undefined when it cannot be read. */
function tokenUser(): string | undefined {
  const access = tokens.accessToken();
  if (!access) return undefined;
  try {
    const payload = access.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return (JSON.parse(atob(payload)) as { sub?: string }).sub;
  } catch {
    return undefined;
  }
}
const listeners = new Set<() => void>();

function set(next: MeState): void {
  state = next;
  listeners.forEach((l) => l());
}

function ask(): void {
  if (asked || !tokens.signedIn) return;
  asked = true;
  const mine = generation;
  set({ me: undefined, loading: true, error: undefined });
  getJson<Me>("/v1/me")
    .then((me) => {
      if (mine === generation) set({ me, loading: false, error: undefined });
    })
    .catch((e: unknown) => {
      if (mine !== generation) return;
      asked = false;
      set({ me: undefined, loading: false, error: e instanceof ApiError ? e : new ApiError({ status: 0 }) });
    });
}

tokens.subscribe(() => {
  // A refresh keeps the user; a logout, or a login as someone else, forgets them (and drops an
  // answer still on its way), and the next look asks again.
  const user = tokenUser();
  const someoneElse = state.me?.user_id !== undefined && user !== undefined && user !== state.me.user_id;
  if (!tokens.signedIn || someoneElse) {
    generation++;
    asked = false;
    set({ me: undefined, loading: false, error: undefined });
    if (tokens.signedIn && listeners.size > 0) ask();
  } else if (!asked && listeners.size > 0) {
    ask();
  }
});

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  ask();
  return () => listeners.delete(listener);
}

/** The signed-in user (undefined while unknown or signed out). */
export function useMe(): MeState {
  return useSyncExternalStore(subscribe, () => state);
}

