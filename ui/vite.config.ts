import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The Python app (`arena serve`) serves the built files at "/", so the build
// goes straight into the package's static folder. `npm run dev` proxies the
// API to a locally running `arena serve` on port 8000.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../src/arena/web/static",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8000", changeOrigin: false },
    },
  },
});
