import type { ArenaUi } from "./types";

/** Vision: the first prompt comes with an image; answers are text. */
export const vision: ArenaUi = {
  label: "Vision",
  intro: "Add an image and ask about it: two anonymous models answer side by side. Vote, then see who they were.",
  firstTurnImage: true,
};
