import type { ArenaUi } from "./types";

/** Text-to-image: each side answers with a picture (the panes show stream `image` events). */
export const textToImage: ArenaUi = {
  label: "Text-to-Image",
  intro: "Describe a picture: two anonymous models each make one. Vote for the better one, then see who they were.",
};
