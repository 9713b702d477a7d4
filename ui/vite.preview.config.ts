import { defineConfig } from "vite";

// The WebDev preview runtime: one classic (IIFE) script the server inlines into a React
// app's preview document. Built after the app, into the same static folder.
export default defineConfig({
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: "../src/arena/web/static/preview",
    emptyOutDir: true,
    sourcemap: false,
    lib: {
      entry: "preview/runtime.ts",
      formats: ["iife"],
      name: "ArenaPreview",
      fileName: () => "runtime.js",
    },
  },
});
