import { ArenaView } from "../components/ArenaView";

export function BattlePage() {
  return (
    <>
      <div className="page-intro">
        <h1>Battle</h1>
        <p>Two anonymous models answer your prompt side by side. Vote for the better one, then see who they were.</p>
      </div>
      <ArenaView mode="anonymous" />
    </>
  );
}
