import { useEffect, useState } from "react";
import { BattlePage } from "./pages/BattlePage";
import { DirectPage } from "./pages/DirectPage";
import { HistoryPage } from "./pages/HistoryPage";
import { MyBoardPage } from "./pages/MyBoardPage";
import { LeaderboardPage } from "./pages/LeaderboardPage";
import { OverviewPage } from "./pages/OverviewPage";
import { SharedPage } from "./pages/SharedPage";
import { SideBySidePage } from "./pages/SideBySidePage";
import { sharedIdFromPath } from "./lib/shareApi";
import { SignInPage } from "./pages/SignInPage";
import { AccountBadge } from "./components/AccountBadge";

type Route =
  | "battle"
  | "side-by-side"
  | "direct"
  | "leaderboard"
  | "overview"
  | "history"
  | "my-board"
  | "signin"
  | "shared";

const NAV: { route: Exclude<Route, "shared">; href: string; label: string; short: string }[] = [
  { route: "battle", href: "#/", label: "Battle", short: "Battle" },
  { route: "side-by-side", href: "#/side-by-side", label: "Side-by-side", short: "Side-by-side" },
  { route: "direct", href: "#/direct", label: "Direct chat", short: "Direct" },
  { route: "leaderboard", href: "#/leaderboard", label: "Leaderboard", short: "Board" },
  { route: "overview", href: "#/overview", label: "Overview", short: "Overview" },
  { route: "history", href: "#/history", label: "History", short: "History" },
];

function parseHash(hash: string): { route: Route; params: URLSearchParams } {
  const h = hash.replace(/^#/, "");
  const [path, query = ""] = h.split("?", 2);
  const p = path.replace(/^\/+|\/+$/g, "");
  const route: Exclude<Route, "shared"> =
    p === "side-by-side" || p === "direct" || p === "leaderboard" || p === "overview" || p === "history" || p === "my-board" || p === "signin"
      ? p
      : "battle";
  return { route, params: new URLSearchParams(query) };
}

function useHashRoute() {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return parseHash(hash);
}

export function App() {
  const hashed = useHashRoute();
  // A shared battle's page ("/s/<id>", served with its Open Graph tags) shows that battle
  // only; the nav leads back to the app at "/".
  const sharedId = sharedIdFromPath(window.location.pathname);
  const { route, params } = sharedId ? { ...hashed, route: "shared" as Route } : hashed;
  const base = sharedId ? "/" : "";
  const titles: Record<Route, string> = {
    battle: "Arena · Battle",
    "side-by-side": "Arena · Side-by-side",
    direct: "Arena · Direct chat",
    leaderboard: "Arena · Leaderboard",
    overview: "Arena · Overview",
    history: "Arena · History",
    "my-board": "Arena · My leaderboard",
    shared: "Arena · Shared battle",
    signin: "Arena · Sign in",
  };
  useEffect(() => {
    document.title = titles[route];
  });
  return (
    <div className="app">
      <SkipLink />
      <header className="topbar">
        {/* The link's name is its visible text ("Arena"); on a phone the text is only visually hidden. */}
        <a className="brand" href={`${base}#/`}>
          <span className="logo" aria-hidden="true">
            A
          </span>
          <span className="brand-name">Arena</span>
        </a>
        <nav className="nav" aria-label="Main">
          {NAV.map((n) => (
            <a
              key={n.route}
              href={base + n.href}
              className={route === n.route ? "active" : undefined}
              aria-current={route === n.route ? "page" : undefined}
              data-testid={`nav-${n.route}`}
            >
              <span className="nav-long">{n.label}</span>
              {/* One of the two is display:none at any width, so the name is always the visible text. */}
              <span className="nav-short">{n.short}</span>
            </a>
          ))}
        </nav>
        <AccountBadge />
      </header>
      <main className="main" id="main" tabIndex={-1} data-testid={`page-${route}`}>
        {route === "battle" ? <BattlePage /> : null}
        {route === "side-by-side" ? <SideBySidePage params={params} /> : null}
        {route === "direct" ? <DirectPage params={params} /> : null}
        {route === "leaderboard" ? <LeaderboardPage key={params.get("category") ?? ""} initialCategory={params.get("category") ?? "overall"} /> : null}
        {route === "overview" ? <OverviewPage /> : null}
        {route === "history" ? <HistoryPage /> : null}
        {route === "my-board" ? <MyBoardPage /> : null}
        {sharedId ? <SharedPage shareId={sharedId} /> : null}
        {route === "signin" ? <SignInPage /> : null}
      </main>
      <footer className="footer">
        Arena is open source. Answers come from AI models and may be wrong; don't share private information.
      </footer>
    </div>
  );
}

/**
 * "Skip to content" for keyboard users: the first stop on every page. Routing uses the
 * hash, so the link moves focus itself instead of navigating to "#main".
 */
function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#main"
      data-testid="skip-link"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById("main")?.focus();
      }}
    >
      Skip to content
    </a>
  );
}
