/**
 * The WebDev preview runtime: React, ReactDOM, a TSX transpiler (sucrase) and Tailwind
 * (its browser build), bundled into one classic script that the server inlines into a
 * React app's preview document. Nothing is fetched from a CDN; the frame has no network.
 *
 * `__arenaMount(source)` transpiles the component, runs it as an inline script (the
 * preview's CSP allows inline scripts but no eval), and renders its default export.
 */
import * as React from "react";
import * as ReactDOMClient from "react-dom/client";
import * as ReactDOM from "react-dom";
import { transform } from "sucrase";
import "@tailwindcss/browser";

type Report = (status: string, error?: unknown) => void;

interface ArenaWindow extends Window {
  __arenaReport?: Report;
  __arenaMount?: (source: string) => void;
  __arenaModule?: { exports: Record<string, unknown> };
  __arenaRequire?: (name: string) => unknown;
}

const w = window as ArenaWindow;

const MODULES: Record<string, unknown> = {
  react: React,
  "react-dom": ReactDOM,
  "react-dom/client": ReactDOMClient,
  "react/jsx-runtime": React,
};

function report(status: string, error?: unknown) {
  w.__arenaReport?.(status, error instanceof Error ? error.message : error);
}

class Boundary extends React.Component<{ children: React.ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  componentDidCatch(error: unknown) {
    report("error", error);
  }
  render() {
    return this.state.failed ? null : this.props.children;
  }
}

w.__arenaRequire = (name: string) => {
  if (name in MODULES) return MODULES[name];
  if (name.endsWith(".css")) return {};
  throw new Error(`the preview has no module "${name}" (only react and react-dom)`);
};

w.__arenaMount = (source: string) => {
  let compiled: string;
  try {
    compiled = transform(source, {
      transforms: ["typescript", "jsx", "imports"],
      production: true,
      jsxRuntime: "classic",
    }).code;
  } catch (error) {
    report("error", error);
    return;
  }
  const module = { exports: {} as Record<string, unknown> };
  w.__arenaModule = module;
  const script = document.createElement("script");
  script.textContent =
    "(function(require, module, exports, React){\n" +
    compiled +
    "\n})(window.__arenaRequire, window.__arenaModule, window.__arenaModule.exports, window.__arenaRequire('react'));";
  document.head.appendChild(script);
  const App = (module.exports.default ?? Object.values(module.exports).find((v) => typeof v === "function")) as
    | React.ComponentType
    | undefined;
  if (typeof App !== "function") {
    report("error", "the code exports no component (write `export default function App()`)");
    return;
  }
  const root = document.getElementById("root");
  if (!root) return;
  ReactDOMClient.createRoot(root).render(React.createElement(Boundary, null, React.createElement(App)));
};
