/** Share a battle (a read-only link, copied to the clipboard) and revoke the link again. */
import { useEffect, useState } from "react";
import { revokeShare, shareBattle } from "../lib/shareApi";

interface Props {
  battleId: string;
  /** The battle's live link, when it is already shared (History knows). */
  sharedUrl?: string | null;
}

type Status = { kind: "idle" } | { kind: "busy" } | { kind: "shared"; url: string; copied: boolean } | { kind: "revoked" };

const initial = (sharedUrl?: string | null): Status =>
  sharedUrl ? { kind: "shared", url: new URL(sharedUrl, window.location.origin).toString(), copied: false } : { kind: "idle" };

export function ShareControls({ battleId, sharedUrl }: Props) {
  const [status, setStatus] = useState<Status>(() => initial(sharedUrl));
  const [error, setError] = useState<string | null>(null);
  // Another battle: its own share state (a new battle starts unshared).
  useEffect(() => {
    setStatus(initial(sharedUrl));
    setError(null);
  }, [battleId, sharedUrl]);

  const share = async () => {
    setStatus({ kind: "busy" });
    setError(null);
    try {
      const link = await shareBattle(battleId);
      const url = new URL(link.url, window.location.origin).toString();
      let copied = false;
      try {
        await navigator.clipboard.writeText(url);
        copied = true;
      } catch {
        /* no clipboard (permissions, insecure origin): the link is shown to copy by hand */
      }
      setStatus({ kind: "shared", url, copied });
    } catch (e) {
      setError(e instanceof Error ? e.message : "Could not share this battle.");
      setStatus({ kind: "idle" });
    }
  };
  const revoke = async () => {
    setError(null);
    try {
      await revokeShare(battleId);
      setStatus({ kind: "revoked" });
    } catch (e) {
      setError(e instanceof Error ? e.message : "Could not revoke the link.");
    }
  };

  return (
    <div className="share-controls" data-testid="share-controls">
      {status.kind === "shared" ? (
        <>
          <label className="share-link">
            <span>{status.copied ? "Link copied:" : "Share link:"}</span>
            <input type="text" readOnly value={status.url} onFocus={(e) => e.currentTarget.select()} data-testid="share-url" />
          </label>
          <button type="button" className="btn btn-small" onClick={revoke} data-testid="share-revoke">
            Revoke link
          </button>
        </>
      ) : (
        <button type="button" className="btn btn-small" onClick={share} disabled={status.kind === "busy"} data-testid="share-button">
          {status.kind === "revoked" ? "Share again" : "Share"}
        </button>
      )}
      <span className="share-status" role="status" data-testid="share-status">
        {error ?? (status.kind === "revoked" ? "Link revoked: it no longer opens this battle." : "")}
      </span>
    </div>
  );
}
