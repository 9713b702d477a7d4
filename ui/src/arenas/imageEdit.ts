import type { ArenaUi } from "./types";

/** Image edit: the first prompt brings the picture; each side keeps editing its own. */
export const imageEdit: ArenaUi = {
  label: "Image Edit",
  intro:
    "Add an image and say how to change it: two anonymous models each edit it, and keep editing their own. Vote, then see who they were.",
  firstTurnImage: true,
};
