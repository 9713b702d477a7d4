/**
 * Search: each answer cites numbered sources ([n]); the list under it gives each
 * source's title and domain. Links open in a new tab without opener, referrer or
 * endorsement, and nothing is loaded from a source (no favicon, no preview) until
 * the person clicks. The search trace is the server's to show after the vote.
 */
import type { ReactNode } from "react";
import type { Message, Side } from "../lib/useBattle";
import type { ArenaUi, SidesView, TurnView } from "./types";

interface Source {
  n: number;
  title: string;
  url: string;
  domain: string;
}

function sourcesOf(message: Message): Source[] {
  const raw = message.fields?.sources;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (s): s is Source =>
      !!s && typeof s === "object" && typeof (s as Source).url === "string" && /^https?:\/\//.test((s as Source).url),
  );
}

function Sources({ side, message }: { side: Side; message: Message }) {
  const sources = sourcesOf(message);
  if (!sources.length) return null;
  return (
    <details className="sources" data-testid={`sources-${side}`}>
      <summary>Sources ({sources.length})</summary>
      <ol>
        {sources.map((s) => (
          <li key={s.n} value={s.n} data-testid={`source-${side}`}>
            <a href={s.url} target="_blank" rel="noopener noreferrer nofollow">
              {s.title || s.domain}
            </a>{" "}
            <span className="source-domain">{s.domain}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

function SearchSides({ children }: { turn: TurnView; children: (view: SidesView) => ReactNode }) {
  return children({ answerExtra: (side, message) => <Sources side={side} message={message} /> });
}

export const search: ArenaUi = {
  label: "Search",
  intro: "Ask something that needs sources: two anonymous search-augmented models answer with citations. Vote, then see who they were.",
  Sides: SearchSides,
};
