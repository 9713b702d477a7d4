/**
 * Who is signed in, and the CSRF token their changes must carry.
 *
 * The session itself lives in an HTTP-only cookie the page cannot read. The CSRF token
 * stays in memory only (never in storage, where another script could find it later);
 * after a reload `GET /api/v1/session` hands it out again. `installCsrf()` wraps `fetch` once,
 * so every same-origin POST/PUT/PATCH/DELETE carries `X-CSRF-Token` while signed in,
 * whichever module sends it, and waits for that first `/me` so none goes out without it.
 */
import { useSyncExternalStore } from "react";

export interface Session {
  username: string;
}

let current: Session | null = null;
let csrf: string | null = null;
const listeners = new Set<() => void>();
let ready: Promise<void> = Promise.resolve();
const nativeFetch: typeof fetch = window.fetch.bind(window);
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function set(session: Session | null, token: string | null) {
  current = session;
  csrf = token;
  listeners.forEach((l) => l());
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

async function call(path: string, method: string, body?: unknown): Promise<Response> {
  return window.fetch(`/api/v1${path}`, {
    method,
    headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function errorOf(res: Response): Promise<Error> {
  try {
    const data = (await res.json()) as { error?: string };
    if (data.error) return new Error(data.error);
  } catch {
    /* fall through */
  }
  return new Error(`Request failed (${res.status})`);
}

/** Ask the server who this browser is (after a reload, the token comes back from here). */
export async function refresh(): Promise<void> {
  try {
    // Always 200 (signed out too), so a signed-out page load logs no 401 in the console.
    const res = await nativeFetch("/api/v1/session", { headers: { Accept: "application/json" } });
    const data = res.ok ? ((await res.json()) as { signed_in: boolean; username?: string; csrf_token?: string }) : null;
    if (data?.signed_in && data.username && data.csrf_token) set({ username: data.username }, data.csrf_token);
    else set(null, null);
  } catch {
    set(null, null);
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  const res = await call("/auth/login", "POST", { username, password });
  if (!res.ok) throw await errorOf(res);
  const data = (await res.json()) as { username: string; csrf_token: string };
  set({ username: data.username }, data.csrf_token);
}

export async function signUp(username: string, password: string): Promise<void> {
  const res = await call("/auth/signup", "POST", { username, password });
  if (!res.ok) throw await errorOf(res);
  await signIn(username, password);
}

export async function signOut(everywhere = false): Promise<void> {
  const res = await call(everywhere ? "/auth/logout-all" : "/auth/logout", "POST");
  if (!res.ok && res.status !== 401) throw await errorOf(res);
  set(null, null);
}

function methodOf(input: RequestInfo | URL, init?: RequestInit): string {
  return (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
}

function sameOrigin(input: RequestInfo | URL): boolean {
  const url = input instanceof Request ? input.url : String(input);
  return new URL(url, window.location.href).origin === window.location.origin;
}

/** Wrap `fetch` so signed-in changes carry the CSRF token; call once, before rendering. */
export function installCsrf(): void {
  ready = refresh();
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    if (!UNSAFE.has(methodOf(input, init)) || !sameOrigin(input)) return nativeFetch(input, init);
    await ready;
    if (!csrf) return nativeFetch(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("X-CSRF-Token", csrf);
    return nativeFetch(input, { ...init, headers });
  };
}

/** Delete the account (its votes stay on the board, unlinked) and sign out. */
export async function deleteAccount(): Promise<void> {
  const res = await call("/me", "DELETE");
  if (!res.ok) throw await errorOf(res);
  set(null, null);
}
