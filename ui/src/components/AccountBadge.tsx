import { useState } from "react";
import { signOut, useSession } from "../lib/session";

/** The top bar's account corner: "Sign in", or who is signed in and "Sign out". */
export function AccountBadge() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  if (!session) {
    return (
      <a className="btn btn-small account-link" href="#/signin" data-testid="signin-link">
        Sign in
      </a>
    );
  }
  return (
    <div className="account" data-testid="account">
      <span className="account-name" title="Signed in">
        <span className="sr-only">Signed in as </span>
        <span data-testid="account-name">{session.username}</span>
      </span>
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        data-testid="signout"
        onClick={() => {
          setBusy(true);
          void signOut()
            .then(() => {
              window.location.hash = "#/";
            })
            .finally(() => setBusy(false));
        }}
      >
        Sign out
      </button>
    </div>
  );
}
