/** Typed calls to the public HTTP API (`/api/v1/...`, relative to the page). */
import { solveChallenge, type PowChallenge } from "./pow";
import { SseParser, toStreamEvent, type StreamEvent } from "./sse";

const BASE = "/api/v1";

export class ApiError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

export type BattleMode = "anonymous" | "side_by_side" | "direct";
/** An arena's name as the server spells it; what the page knows of each is in `arenas/`. */
export type Arena = string;
/** The arena a request means when it names none. */
export const DEFAULT_ARENA: Arena = "text";

export interface ArenaInfo {
  name: Arena;
  models: number;
  /** The longest prompt the arena's smallest model can read. */
  prompt_chars?: number;
}

export interface StoredImage {
  image_id: string;
  width: number;
  height: number;
}

/** The largest upload the server takes (it refuses bigger files too). */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
export type Winner = "model_a" | "model_b" | "tie" | "both_bad";

export interface PublicModel {
  name: string;
  organization?: string | null;
  license?: string | null;
  deprecated?: boolean;
  /** The model to offer first (the registry's first public entry). */
  default?: boolean;
  /** The arenas the model battles in (text when absent). */
  arenas?: Arena[];
}

export interface RevealedModel {
  name: string;
  organization?: string | null;
}

export interface VoteResult {
  model_a: RevealedModel;
  model_b: RevealedModel;
  /** False when the vote is kept but off the board; `reason` says why in plain words. */
  counted?: boolean;
  reason?: string | null;
}

export interface LeaderboardRow {
  /** null for a model the votes do not rate yet (see `rated` and `note`). */
  rank: number | null;
  rank_ub?: number | null;
  /** The worst rank the 95% intervals allow: rank_ub..rank_lb is the rank spread. */
  rank_lb?: number | null;
  rated?: boolean;
  note?: string | null;
  model: string;
  score: number;
  ci_lower?: number | null;
  ci_upper?: number | null;
  votes?: number;
  organization?: string | null;
  license?: string | null;
  provisional?: boolean;
  deprecated?: boolean;
  /** US dollars per million tokens, from the registry; blended = 3 prompt : 1 completion. */
  price_input_per_mtok?: number | null;
  price_output_per_mtok?: number | null;
  price_blended_per_mtok?: number | null;
  /** Medians of this server's recent replies. */
  median_ttft_ms?: number | null;
  median_tokens_per_s?: number | null;
  /** When it was deprecated (ISO), for the badge's date. */
  deprecated_at?: string | null;
}

export interface Leaderboard {
  total_votes?: number;
  computed_at?: string | null;
  categories?: Array<string | { name?: string; id?: string; label?: string }>;
  style_control_available?: boolean;
  style_control?: boolean;
  category?: string;
  /** Votes a model needs to be shown; the models below it are in `too_few_votes`. */
  min_votes?: number;
  too_few_votes?: string[];
  reweighted?: boolean;
  order?: "rank" | "lower";
  /** Set when some models never met the others: scores compare only within a group. */
  disconnected?: boolean;
  components?: number;
  /** Models no other beats on both score and blended price, cheapest first. */
  pareto_front?: string[];
  /** The models under `min_votes`, with the votes each has. */
  waiting?: { model: string; votes: number }[];
  /** Every counted vote, models shown or not (`total_votes` counts the shown ones). */
  all_votes?: number;
  models: LeaderboardRow[];
  /** Votes held back from the board while their identities are new. */
  pending?: { votes: number; clients: number; reason?: string | null; held_for_review?: number };
}

/** Read an error message out of a failed response: `{"error": "..."}` or FastAPI's `{"detail": ...}`. */
async function errorFrom(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText || "request failed"}`.trim();
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      if (typeof body.error === "string") message = body.error;
      else if (body.error && typeof body.error === "object" && "message" in body.error)
        message = String((body.error as { message: unknown }).message);
      else if (typeof body.detail === "string") message = body.detail;
      else if (Array.isArray(body.detail) && body.detail.length)
        message = body.detail.map((d: { msg?: string }) => d?.msg ?? String(d)).join("; ");
    } catch {
      if (text && text.length < 300 && !text.trimStart().startsWith("<")) message = text;
    }
  } catch {
    /* keep the status line */
  }
  return new ApiError(message, res.status);
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      ...init,
      headers: { Accept: "application/json", ...(init?.body ? { "Content-Type": "application/json" } : {}), ...init?.headers },
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError("Cannot reach the Arena server. Check your connection and try again.", 0);
  }
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

export function listModels(signal?: AbortSignal): Promise<{ models: PublicModel[] }> {
  return request("/models", { signal });
}

export interface ArenasInfo {
  arenas: ArenaInfo[];
  /** A vote counts only this long after the last answer ends (the buttons count down). */
  vote_delay_seconds?: number;
}

export function listArenas(signal?: AbortSignal): Promise<ArenasInfo> {
  return request("/arenas", { signal });
}

export function previewUrl(battleId: string, side: string, turn: number): string {
  return `${BASE}/battles/${encodeURIComponent(battleId)}/preview/${side}?turn=${turn}`;
}

export async function reportPreview(
  battleId: string,
  side: string,
  turn: number,
  status: "rendered" | "error",
  error: string | null,
): Promise<void> {
  await fetch(`${BASE}/battles/${encodeURIComponent(battleId)}/preview/${side}/outcome`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ turn, status, error }),
  });
}

export function imageUrl(imageId: string): string {
  return `${BASE}/images/${encodeURIComponent(imageId)}`;
}

/** Upload one image (multipart); the server stores a cleaned copy and answers its id. */
export async function uploadImage(file: Blob, name = "image"): Promise<StoredImage> {
  const form = new FormData();
  form.append("file", file, name);
  let res: Response;
  try {
    res = await fetch(`${BASE}/images`, { method: "POST", body: form, headers: { Accept: "application/json" } });
  } catch {
    throw new ApiError("Cannot reach the Arena server. Check your connection and try again.", 0);
  }
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as StoredImage;
}

export function createBattle(
  mode: BattleMode,
  models?: string[],
  arena: Arena = DEFAULT_ARENA,
): Promise<{ battle_id: string; models?: unknown }> {
  const body: Record<string, unknown> = { mode };
  if (models && mode !== "anonymous") body.models = models;
  if (arena !== DEFAULT_ARENA) body.arena = arena;
  return request("/battles", { method: "POST", body: JSON.stringify(body) });
}

/** Vote, with a proof of work when the server offers a challenge (it may require one). */
export async function vote(battleId: string, winner: Winner): Promise<VoteResult> {
  const path = `/battles/${encodeURIComponent(battleId)}`;
  const body: { winner: Winner; altcha?: string } = { winner };
  try {
    const solution = await solveChallenge(await request<PowChallenge>(`${path}/challenge`));
    if (solution) body.altcha = solution;
  } catch {
    /* no challenge to solve: vote without; a server that needs one says so */
  }
  return request(`${path}/vote`, { method: "POST", body: JSON.stringify(body) });
}

export function getLeaderboard(
  category: string | null,
  styleControl: boolean | null,
  signal?: AbortSignal,
  arena: Arena = DEFAULT_ARENA,
): Promise<Leaderboard> {
  const q = new URLSearchParams();
  if (arena !== DEFAULT_ARENA) q.set("arena", arena);
  if (category) q.set("category", category);
  if (styleControl !== null) q.set("style_control", String(styleControl));
  const qs = q.toString();
  return request(`/leaderboard${qs ? `?${qs}` : ""}`, { signal });
}

/**
 * Send one turn and call `onEvent` for every stream event as it arrives.
 * Resolves when the server closes the stream; rejects with ApiError on a non-2xx answer.
 */
export async function streamTurn(
  battleId: string,
  prompt: string,
  onEvent: (e: StreamEvent) => void,
  signal?: AbortSignal,
  images: string[] = [],
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${BASE}/battles/${encodeURIComponent(battleId)}/turns`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(images.length ? { prompt, images } : { prompt }),
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError("Cannot reach the Arena server. Check your connection and try again.", 0);
  }
  if (!res.ok) throw await errorFrom(res);
  if (!res.body) throw new ApiError("The server sent no stream.", res.status);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const emit = (datas: string[]) => {
    for (const d of datas) {
      const ev = toStreamEvent(d);
      if (ev) onEvent(ev);
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    emit(parser.push(decoder.decode(value, { stream: true })));
  }
  emit(parser.push(decoder.decode()));
  emit(parser.end());
}
