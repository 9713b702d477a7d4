/** Share links (issue 13): share or revoke one's battle, read a shared battle. */
import { ApiError, type RevealedModel, type Winner } from "./api";

const BASE = "/api/v1";

export interface ShareLink {
  share_id: string;
  /** Path of the shared page, "/s/<share_id>". */
  url: string;
}

export interface SharedSide {
  messages: { role: "user" | "assistant"; content: string; images?: string[] }[];
  model: RevealedModel | null;
}

export interface SharedBattle {
  share_id: string;
  mode: "anonymous" | "side_by_side" | "direct";
  arena: string;
  turns: number;
  winner: Winner | null;
  sides: Partial<Record<"a" | "b", SharedSide>>;
}

async function call(path: string, method: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers: { Accept: "application/json" } });
  } catch {
    throw new ApiError("Cannot reach the Arena server. Check your connection and try again.", 0);
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText || "request failed"}`.trim();
    try {
      const body = (await res.json()) as { error?: unknown };
      if (typeof body.error === "string") message = body.error;
    } catch {
      /* keep the status line */
    }
    throw new ApiError(message, res.status);
  }
  return res;
}

export async function shareBattle(battleId: string): Promise<ShareLink> {
  return (await (await call(`/battles/${encodeURIComponent(battleId)}/share`, "POST")).json()) as ShareLink;
}

export async function revokeShare(battleId: string): Promise<void> {
  await call(`/battles/${encodeURIComponent(battleId)}/share`, "DELETE");
}

export async function getShared(shareId: string, signal?: AbortSignal): Promise<SharedBattle> {
  let res: Response;
  try {
    res = await call(`/shared/${encodeURIComponent(shareId)}`, "GET");
  } catch (e) {
    if (signal?.aborted) throw new DOMException("aborted", "AbortError");
    throw e;
  }
  return (await res.json()) as SharedBattle;
}

/** The share id when the page is a shared battle's page ("/s/<id>"), else null. */
export function sharedIdFromPath(pathname: string): string | null {
  const m = /^\/s\/([A-Za-z0-9_-]{1,64})\/?$/.exec(pathname);
  return m ? m[1] : null;
}
