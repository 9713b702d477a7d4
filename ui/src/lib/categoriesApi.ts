/** Category boards (issue 11): the tag list with held-out figures, boards by category or language, the overview grid. */
import { ApiError, DEFAULT_ARENA, type Arena, type Leaderboard, type LeaderboardRow } from "./api";

export interface CategoryInfo {
  name: string;
  kind: "task" | "occupational" | "structural" | "imported";
  f1: number | null;
  experimental: boolean;
}

export interface CategoriesMeta {
  classifier: string;
  version: string;
  tags: CategoryInfo[];
  languages: string[];
  language_accuracy: number;
  language_experimental: boolean;
  min_votes: number;
}

export interface Overview {
  categories: string[];
  models: { model: string; ranks: Record<string, number | null>; deprecated_at?: string | null }[];
  min_votes: number;
}

export type RankedRow = LeaderboardRow & { rank_overall?: number | null; rank_change?: number | null };

/** A board selection: "overall", a tag ("math"), or a language ("language:zh"). */
export const LANGUAGE_PREFIX = "language:";

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { headers: { Accept: "application/json" }, signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError("Cannot reach the Arena server. Check your connection and try again.", 0);
  }
  if (!res.ok) {
    let message = `${res.status} request failed`;
    try {
      const body = (await res.json()) as { error?: unknown };
      if (typeof body.error === "string") message = body.error;
    } catch {
      /* keep the status line */
    }
    throw new ApiError(message, res.status);
  }
  return (await res.json()) as T;
}

export function getCategories(signal?: AbortSignal): Promise<CategoriesMeta> {
  return getJson("/categories", signal);
}

export function getOverview(signal?: AbortSignal): Promise<Overview> {
  return getJson("/leaderboard/overview", signal);
}

export function getBoard(
  selection: string,
  styleControl: boolean,
  signal?: AbortSignal,
  arena: Arena = DEFAULT_ARENA,
  options: { reweighted?: boolean; order?: "rank" | "lower" } = {},
): Promise<Leaderboard> {
  const q = new URLSearchParams();
  if (options.reweighted) q.set("reweighted", "true");
  if (options.order && options.order !== "rank") q.set("order", options.order);
  if (arena !== DEFAULT_ARENA) q.set("arena", arena);
  if (selection.startsWith(LANGUAGE_PREFIX)) q.set("language", selection.slice(LANGUAGE_PREFIX.length));
  else if (selection && selection !== "overall") q.set("category", selection);
  q.set("style_control", String(styleControl));
  return getJson(`/leaderboard?${q.toString()}`, signal);
}

/** "creative_writing" -> "Creative writing". */
export function tagLabel(tag: string): string {
  if (tag.startsWith(LANGUAGE_PREFIX)) return languageLabel(tag.slice(LANGUAGE_PREFIX.length));
  const words = tag.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function languageLabel(code: string): string {
  try {
    const names = new Intl.DisplayNames(["en"], { type: "language" });
    return `${names.of(code) ?? code} (${code})`;
  } catch {
    return code;
  }
}
