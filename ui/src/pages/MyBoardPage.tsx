import { useEffect, useState } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { expertLeaderboard, getExpertise, myLeaderboard, putExpertise, type PersonalBoard } from "../lib/meApi";

function label(field: string): string {
  return field.replace(/_/g, " ");
}

/** My leaderboard (my anonymous votes only), my declared expertise, and the expert boards. */
export function MyBoardPage() {
  const [board, setBoard] = useState<PersonalBoard | null>(null);
  const [choices, setChoices] = useState<string[]>([]);
  const [fields, setFields] = useState<string[]>([]);
  const [field, setField] = useState("");
  const [expert, setExpert] = useState<PersonalBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    myLeaderboard().then(setBoard).catch((e: Error) => setError(e.message));
    getExpertise()
      .then((r) => {
        setChoices(r.choices);
        setFields(r.fields);
        setField(r.fields[0] ?? r.choices[0] ?? "");
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  useEffect(() => {
    if (!field) return;
    expertLeaderboard(field).then(setExpert).catch((e: Error) => setError(e.message));
  }, [field, saved]);

  const toggle = (f: string) => {
    setSaved(false);
    setFields((cur) => (cur.includes(f) ? cur.filter((x) => x !== f) : [...cur, f]));
  };
  const save = () => {
    putExpertise(fields)
      .then((r) => {
        setFields(r.fields);
        setSaved(true);
      })
      .catch((e: Error) => setError(e.message));
  };

  return (
    <>
      <div className="page-intro">
        <h1>My leaderboard</h1>
        <p>
          The public board's Bradley–Terry fit over your own anonymous votes only. Few votes make wide intervals. <a href="#/leaderboard">Public leaderboard</a>
        </p>
      </div>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      <section className="card" aria-labelledby="my-board-h">
        <h2 id="my-board-h">From your votes ({board?.total_votes ?? 0})</h2>
        <BoardTable board={board} testId="my-board" empty="Vote in a few anonymous battles to see your own ranking." />
      </section>
      <section className="card" aria-labelledby="expertise-h">
        <h2 id="expertise-h">Your expertise (optional)</h2>
        <p>Fields you know well. Your votes on prompts of these fields then count on their expert board.</p>
        <fieldset className="expertise">
          <legend>Fields</legend>
          {choices.map((f) => (
            <label key={f}>
              <input type="checkbox" checked={fields.includes(f)} onChange={() => toggle(f)} data-testid={`expertise-${f}`} /> {label(f)}
            </label>
          ))}
        </fieldset>
        <button type="button" className="btn btn-small" onClick={save} data-testid="expertise-save">
          Save
        </button>
        {saved ? <span role="status"> Saved.</span> : null}
      </section>
      <section className="card" aria-labelledby="expert-h">
        <h2 id="expert-h">Expert board</h2>
        <label htmlFor="expert-field">Field </label>
        <select id="expert-field" value={field} onChange={(e) => setField(e.target.value)} data-testid="expert-field">
          {choices.map((f) => (
            <option key={f} value={f}>
              {label(f)}
            </option>
          ))}
        </select>
        <BoardTable board={expert} testId="expert-board" empty="No expert votes in this field yet." />
      </section>
    </>
  );
}

function BoardTable({ board, testId, empty }: { board: PersonalBoard | null; testId: string; empty: string }) {
  if (!board) return null;
  if (board.models.length === 0) return <p data-testid={`${testId}-empty`}>{empty}</p>;
  return (
    <div className="table-scroll">
      <table className="lb-table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Model</th>
            <th scope="col">Score</th>
            <th scope="col">95% interval</th>
            <th scope="col">Votes</th>
          </tr>
        </thead>
        <tbody>
          {board.models.map((r) => (
            <tr key={r.model} data-model={r.model}>
              <td>{r.rank ?? "–"}</td>
              <th scope="row">{r.model}</th>
              <td>{r.score.toFixed(0)}</td>
              <td>{r.ci_lower === null || r.ci_upper === null ? "unknown" : `${r.ci_lower.toFixed(0)} – ${r.ci_upper.toFixed(0)}`}</td>
              <td>{r.votes}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
