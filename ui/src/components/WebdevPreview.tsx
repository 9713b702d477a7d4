/**
 * One side's WebDev app, running in a sandboxed frame.
 *
 * The frame has `sandbox="allow-scripts"` and never `allow-same-origin`, and the server's
 * response carries the same sandbox in its CSP with no network: the app runs in an
 * opaque origin, cannot read this page, its cookies or storage, and cannot navigate it.
 * It reports "rendered" or its error by postMessage; only messages from this frame's own
 * window are believed, and only that status is read.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { previewUrl, reportPreview } from "../lib/api";

export type PreviewStatus = "loading" | "rendered" | "error" | "stopped";

/** An app that neither renders nor throws by then (an endless loop, say) counts as failed. */
const LOAD_TIMEOUT_MS = 15_000;

interface Props {
  battleId: string;
  side: "a" | "b";
  turn: number;
  title: string;
  onStatus: (status: PreviewStatus) => void;
}

export function WebdevPreview({ battleId, side, turn, title, onStatus }: Props) {
  const frameRef = useRef<HTMLIFrameElement>(null);
  const [status, setStatus] = useState<PreviewStatus>("loading");
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [stopped, setStopped] = useState(false);
  const [full, setFull] = useState(false);
  const reported = useRef(false);
  const settled = useRef(false);

  const settle = useCallback(
    (next: "rendered" | "error", message: string | null) => {
      settled.current = true;
      setStatus(next);
      setError(message);
      onStatus(next);
      if (!reported.current) {
        // The first outcome of this turn is what the battle records; reloads do not rewrite it.
        reported.current = true;
        void reportPreview(battleId, side, turn, next, message).catch(() => undefined);
      }
    },
    [battleId, side, turn, onStatus],
  );

  useEffect(() => {
    if (stopped) return;
    settled.current = false;
    const onMessage = (ev: MessageEvent) => {
      if (ev.source !== frameRef.current?.contentWindow) return;
      const data = ev.data as { arenaPreview?: unknown; status?: unknown; error?: unknown } | null;
      if (!data || typeof data !== "object" || !data.arenaPreview) return;
      if (data.status === "rendered") settle("rendered", null);
      else if (data.status === "error") settle("error", typeof data.error === "string" ? data.error.slice(0, 500) : "The app failed.");
    };
    window.addEventListener("message", onMessage);
    const timer = setTimeout(() => {
      if (!settled.current) settle("error", "The app did not finish loading.");
    }, LOAD_TIMEOUT_MS);
    return () => {
      window.removeEventListener("message", onMessage);
      clearTimeout(timer);
    };
  }, [generation, stopped, settle]);

  const stop = () => {
    if (!settled.current) settle("error", "Stopped by the voter.");
    setStopped(true);
    setStatus("stopped");
    onStatus("stopped");
  };

  return (
    <div className={`webdev-preview${full ? " full" : ""}`} data-testid={`preview-${side}`} data-status={status}>
      <div className="preview-bar">
        <span className="preview-state" aria-live="polite">
          {status === "loading" ? "Loading the app…" : status === "rendered" ? "App running" : status === "stopped" ? "Stopped" : "The app failed"}
        </span>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            setStopped(false);
            setStatus("loading");
            setError(null);
            setGeneration((g) => g + 1);
          }}
          data-testid={`preview-reload-${side}`}
        >
          Reload
        </button>
        <button type="button" className="btn btn-small" onClick={stop} disabled={stopped} data-testid={`preview-stop-${side}`}>
          Stop
        </button>
        <button type="button" className="btn btn-small" onClick={() => setFull((f) => !f)} aria-pressed={full} data-testid={`preview-full-${side}`}>
          {full ? "Exit full screen" : "Full screen"}
        </button>
      </div>
      {error ? (
        <p className="preview-error" role="alert" data-testid={`preview-error-${side}`}>
          {error}
        </p>
      ) : null}
      {stopped ? null : (
        <iframe
          key={generation}
          ref={frameRef}
          title={title}
          src={previewUrl(battleId, side, turn)}
          sandbox="allow-scripts"
          referrerPolicy="no-referrer"
          loading="eager"
          data-testid={`preview-frame-${side}`}
        />
      )}
    </div>
  );
}
