import { useState } from "react";
import { ArenaPicker } from "../components/ArenaPicker";
import { ArenaView } from "../components/ArenaView";
import { ARENA_LABELS, type Arena } from "../lib/api";

const INTRO: Record<Arena, string> = {
  text: "Two anonymous models answer your prompt side by side. Vote for the better one, then see who they were.",
  vision: "Add an image and ask about it: two anonymous models answer side by side. Vote, then see who they were.",
  text_to_image: "Describe a picture: two anonymous models each make one. Vote for the better one, then see who they were.",
  image_edit: "Add an image and say how to change it: two anonymous models each edit it, and keep editing their own. Vote, then see who they were.",
  webdev: "Describe a web app: two anonymous models each build it. Vote for the better one, then see who they were.",
};

export function BattlePage() {
  const [arena, setArena] = useState<Arena>("text");
  return (
    <>
      <div className="page-intro">
        <h1>Battle{arena !== "text" ? ` · ${ARENA_LABELS[arena]}` : ""}</h1>
        <p>{INTRO[arena]}</p>
      </div>
      <ArenaView key={arena} mode="anonymous" arena={arena} controls={<ArenaPicker value={arena} onChange={setArena} label="Battle arena" />} />
    </>
  );
}
