/** Calls for the requester's own data: history, delete, my board, expertise. */
import { ApiError } from "./api";

const BASE = "/api/v1";

export interface HistorySide {
  replies: string[];
  model?: string;
}

export interface HistoryItem {
  battle_id: string;
  mode: "anonymous" | "side_by_side" | "direct";
  arena: string;
  created_at: string;
  status: string;
  winner: string | null;
  turns: number;
  prompts: string[];
  sides: Record<string, HistorySide>;
  models: Record<string, string>;
  /** The live share link ("/s/<id>"), or null when the battle is not shared. */
  share_url?: string | null;
}

export interface HistoryPage {
  battles: HistoryItem[];
  next: string | null;
}

export interface BoardRow {
  rank: number | null;
  model: string;
  score: number;
  ci_lower: number | null;
  ci_upper: number | null;
  votes: number;
}

export interface PersonalBoard {
  total_votes: number;
  models: BoardRow[];
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      ...init,
      headers: { Accept: "application/json", ...(init?.body ? { "Content-Type": "application/json" } : {}) },
    });
  } catch {
    throw new ApiError("Cannot reach the Arena server. Check your connection and try again.", 0);
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`.trim();
    try {
      const body = (await res.json()) as { error?: unknown };
      if (typeof body.error === "string") message = body.error;
    } catch {
      /* keep the status line */
    }
    throw new ApiError(message, res.status);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export function listHistory(q: string, cursor: string | null): Promise<HistoryPage> {
  const p = new URLSearchParams({ limit: "20" });
  if (q.trim()) p.set("q", q.trim());
  if (cursor) p.set("cursor", cursor);
  return call(`/me/battles?${p.toString()}`);
}

export function deleteBattle(battleId: string): Promise<void> {
  return call(`/me/battles/${encodeURIComponent(battleId)}`, { method: "DELETE" });
}

export function deleteAllBattles(): Promise<void> {
  return call("/me/battles", { method: "DELETE" });
}

export function myLeaderboard(): Promise<PersonalBoard> {
  return call("/me/leaderboard");
}

export function expertLeaderboard(field: string): Promise<PersonalBoard> {
  return call(`/leaderboard/expert?field=${encodeURIComponent(field)}`);
}

export function getExpertise(): Promise<{ fields: string[]; choices: string[] }> {
  return call("/me/expertise");
}

export function putExpertise(fields: string[]): Promise<{ fields: string[] }> {
  return call("/me/expertise", { method: "PUT", body: JSON.stringify({ fields }) });
}
