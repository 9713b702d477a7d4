import type { ArenaUi } from "./types";

/** Text: answers are Markdown, shown as they stream. */
export const text: ArenaUi = {
  label: "Text",
  intro: "Two anonymous models answer your prompt side by side. Vote for the better one, then see who they were.",
};
