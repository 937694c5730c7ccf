# PerfCommons production image: the compiled server (packages/server/dist) and the built web app on
# Node 24, run as the unprivileged user `node`. Build: `docker build -t perfcommons .`; run with
# compose.yaml (app + PostgreSQL 16), see README "Production with containers".

# 1. Build: all dependencies, then `npm run build` (web bundles + server compiled to JavaScript).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/domain/package.json packages/domain/
COPY packages/contracts/package.json packages/contracts/
COPY packages/server/package.json packages/server/
COPY packages/web/package.json packages/web/
COPY packages/e2e/package.json packages/e2e/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund
COPY . .
# The runtime's files, gathered into one tree so that the last stage takes them in one copy.
RUN npm run build \
 && mkdir -p /out/packages/server /out/packages/web \
 && cp package.json /out/ \
 && cp -r packages/server/package.json packages/server/bin packages/server/dist packages/server/drizzle \
      /out/packages/server/ \
 && cp -r packages/web/dist /out/packages/web/

# 2. The server's runtime dependencies only (no tsx, vite, vitest, nor the web app's libraries, which
#    are in its bundles; the image has its own Node 24, so no node-linux-* package either). Only the
#    manifests are needed, taken from the context: this stage neither waits for nor changes with the
#    build.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/domain/package.json packages/domain/
COPY packages/contracts/package.json packages/contracts/
COPY packages/server/package.json packages/server/
COPY packages/web/package.json packages/web/
COPY packages/e2e/package.json packages/e2e/
COPY bench/package.json bench/
RUN npm ci --omit=dev --workspace @perfcommons/server --no-audit --no-fund && npm cache clean --force

# 3. Runtime.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/var/lib/perfcommons
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
# With its package.json, the server workspace's own node_modules: npm nests there the packages whose
# version differs from the hoisted one (fastify-plugin 5 for the server, 6 at the root for @fastify/*),
# and Node resolves them first from packages/server/dist.
COPY --from=deps /app/packages/server packages/server
COPY --from=build /out ./
RUN mkdir -p /var/lib/perfcommons && chown node:node /var/lib/perfcommons
USER node
VOLUME /var/lib/perfcommons
EXPOSE 3000
# SIGTERM drains in-flight requests and jobs (SHUTDOWN_GRACE_SECONDS, 25) before the process exits.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "packages/server/dist/cli.js", "start"]
