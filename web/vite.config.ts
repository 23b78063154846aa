import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The gateway serves the build from its classpath: hashed files under /assets/ (cached for a
// year), index.html for every other path that is not the API's. In development (npm run dev)
// the API is the dev farm's gateway.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: process.env.FLATRENDER_WEB_OUT ?? "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    proxy: {
      "/v1": "http://127.0.0.1:7700",
      "/callback": "http://127.0.0.1:7700",
    },
  },
});
