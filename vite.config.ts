/**
 * Builds the React client from client/ into client/dist, which the server serves at `/`, `/wall`
 * and `/lead`. In development, `vite` proxies the API and Socket.IO to the server on port 3000.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const server = 'http://127.0.0.1:3000';

export default defineConfig({
  root: path.resolve(repoRoot, 'client'),
  plugins: [react()],
  build: {
    outDir: path.resolve(repoRoot, 'client/dist'),
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change far less often than the app: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
