import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadMarkdown } from "./components/loadMarkdown";
import { installCsrf } from "./lib/session";
import "./styles.css";

// Before the first render: signed-in POSTs carry the CSRF token from the start.
installCsrf();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Fetch the Markdown chunk while the user types the first prompt.
void loadMarkdown();
