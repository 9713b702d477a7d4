import { useEffect, useState, type FormEvent } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { deleteAccount, signIn, signOut, signUp, useSession } from "../lib/session";

/** Sign in, or create an account (the same form; the server says what is wrong). */
export function SignInPage() {
  const session = useSession();
  const [mode, setMode] = useState<"signin" | "signup">("signin");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [oidc, setOidc] = useState<{ name: string; login: string } | null>(null);
  useEffect(() => {
    // A configured OpenID Connect provider gets a "Sign in with ..." link.
    fetch("/api/v1/auth/providers", { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? (r.json() as Promise<{ oidc: { name: string; login: string } | null }>) : { oidc: null }))
      .then((data) => setOidc(data.oidc))
      .catch(() => setOidc(null));
  }, []);

  if (session) {
    return (
      <section className="auth" aria-labelledby="auth-title">
        <h1 id="auth-title">Your account</h1>
        <p>
          Signed in as <strong>{session.username}</strong>. Your battles follow you to every browser you sign in on.
        </p>
        <p className="auth-actions">
          <a className="btn" href="/api/v1/me/export" download data-testid="export">
            Download my data
          </a>
          <button type="button" className="btn" data-testid="signout-everywhere" onClick={() => void signOut(true)}>
            Sign out everywhere
          </button>
        </p>
        <ErrorBanner message={error} onClose={() => setError(null)} />
        {confirming ? (
          <p className="auth-actions" role="group" aria-label="Confirm deleting the account">
            <span>Delete the account and its history? Your votes stay on the board, without your name.</span>
            <button
              type="button"
              className="btn btn-danger"
              data-testid="delete-confirm"
              onClick={() =>
                void deleteAccount()
                  .then(() => {
                    window.location.hash = "#/";
                  })
                  .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
              }
            >
              Delete
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </p>
        ) : (
          <p>
            <button type="button" className="link-btn" data-testid="delete-account" onClick={() => setConfirming(true)}>
              Delete my account
            </button>
          </p>
        )}
      </section>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await (mode === "signup" ? signUp(username, password) : signIn(username, password));
      window.location.hash = "#/";
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const title = mode === "signup" ? "Create an account" : "Sign in";
  return (
    <section className="auth" aria-labelledby="auth-title">
      <h1 id="auth-title">{title}</h1>
      <p className="auth-note">Optional: Arena works without an account. Signed in, your battles follow you.</p>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      <form className="auth-form" onSubmit={(e) => void submit(e)} data-testid="auth-form">
        <label>
          Username or e-mail
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="auth-username"
          />
        </label>
        <label>
          Password {mode === "signup" ? <span className="auth-hint">(at least 8 characters, not a common one)</span> : null}
          <input
            name="password"
            type="password"
            autoComplete={mode === "signup" ? "new-password" : "current-password"}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="auth-password"
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="auth-submit">
          {title}
        </button>
      </form>
      {oidc ? (
        <p>
          <a className="btn" href={oidc.login} data-testid="oidc-signin">
            Sign in with {oidc.name}
          </a>
        </p>
      ) : null}
      <p>
        {mode === "signin" ? "No account yet? " : "Have an account? "}
        <button
          type="button"
          className="link-btn"
          data-testid="auth-switch"
          onClick={() => {
            setMode(mode === "signin" ? "signup" : "signin");
            setError(null);
          }}
        >
          {mode === "signin" ? "Create one" : "Sign in"}
        </button>
      </p>
    </section>
  );
}
