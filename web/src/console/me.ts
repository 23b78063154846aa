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
const listeners = new Set<() => void>();

function set(next: MeState): void {
  state = next;
  listeners.forEach((l) => l());
}

function ask(): void {
  if (asked || !tokens.signedIn) return;
  asked = true;
  set({ me: undefined, loading: true, error: undefined });
  getJson<Me>("/v1/me")
    .then((me) => set({ me, loading: false, error: undefined }))
    .catch((e: unknown) => {
      asked = false;
      set({ me: undefined, loading: false, error: e instanceof ApiError ? e : new ApiError({ status: 0 }) });
    });
}

tokens.subscribe(() => {
  // A refresh keeps the user; a logout forgets them, and the next login asks again.
  if (!tokens.signedIn) {
    asked = false;
    set({ me: undefined, loading: false, error: undefined });
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

