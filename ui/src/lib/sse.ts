/**
 * A tiny Server-Sent Events parser for fetch() streams.
 *
 * EventSource cannot POST, so battle turns are read with fetch() and a
 * ReadableStream reader; this turns the byte chunks into the JSON payloads
 * of the `data:` lines, one object per event.
 */

/** Fields an arena's own events carry (a job's `progress`, a tool step), by name. */
export type ArenaFields = Record<string, unknown>;

export type StreamEvent =
  | { side: string; delta: string }
  | { side: string; image: string }
  | { side: string; done: true; finish_reason?: string; max_tokens?: number; fields?: ArenaFields }
  | { side: string; error: string }
  /** Any other side event: an arena's own kind, handed on whole (without `side`). */
  | { side: string; other: ArenaFields };

const DONE_KEYS = new Set(["side", "done", "finish_reason", "max_tokens"]);

/** Incremental parser: feed text chunks, get complete event payloads back. */
export class SseParser {
  private buffer = "";

  /** Feed a decoded text chunk; returns the `data` strings of completed events. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    // Events end with a blank line; accept \n\n, \r\n\r\n and \r\r.
    const re = /\r\n\r\n|\n\n|\r\r/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(this.buffer)) !== null) {
      const block = this.buffer.slice(last, m.index);
      last = m.index + m[0].length;
      const data = parseBlock(block);
      if (data !== null) out.push(data);
    }
    this.buffer = this.buffer.slice(last);
    return out;
  }

  /** Flush a trailing event that was not followed by a blank line. */
  end(): string[] {
    const rest = this.buffer;
    this.buffer = "";
    const data = parseBlock(rest);
    return data === null ? [] : [data];
  }
}

function parseBlock(block: string): string | null {
  const lines: string[] = [];
  for (const raw of block.split(/\r\n|\n|\r/)) {
    if (!raw.startsWith("data:")) continue; // comments (":"), event:, id:, retry:
    let v = raw.slice(5);
    if (v.startsWith(" ")) v = v.slice(1);
    lines.push(v);
  }
  return lines.length ? lines.join("\n") : null;
}

/** Parse one `data` payload into a battle stream event, or null if it is not one. */
export function toStreamEvent(data: string): StreamEvent | null {
  if (!data || data === "[DONE]") return null;
  let obj: unknown;
  try {
    obj = JSON.parse(data);
  } catch {
    return null;
  }
  if (!obj || typeof obj !== "object") return null;
  const o = obj as Record<string, unknown>;
  const side = typeof o.side === "string" ? o.side : null;
  if (!side) return null;
  if (typeof o.error === "string" || (o.error !== undefined && o.error !== null)) {
    return { side, error: typeof o.error === "string" ? o.error : "This model failed to answer." };
  }
  if (typeof o.delta === "string") return { side, delta: o.delta };
  if (typeof o.image === "string") return { side, image: o.image };
  if (o.done === true) {
    const ended: StreamEvent = { side, done: true };
    if (typeof o.finish_reason === "string") ended.finish_reason = o.finish_reason;
    if (typeof o.max_tokens === "number") ended.max_tokens = o.max_tokens;
    // An arena may add its own fields to `done` (a search answer's sources).
    const fields = Object.fromEntries(Object.entries(o).filter(([k]) => !DONE_KEYS.has(k)));
    if (Object.keys(fields).length) ended.fields = fields;
    return ended;
  }
  const { side: _side, ...other } = o;
  return Object.keys(other).length ? { side, other } : null;
}
