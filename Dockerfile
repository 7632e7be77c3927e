# syntax=docker/dockerfile:1
# One image for both roles: `node dist/server/main.js` (default) or `node dist/worker/main.js`.

# --- build: full toolchain, compiles TypeScript and bundles the page ---------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.base.json tsconfig.build.json ./
COPY scripts ./scripts
COPY core ./core
COPY runtime ./runtime
COPY server ./server
COPY worker ./worker
COPY keys ./keys
COPY web ./web
COPY bench ./bench
RUN node scripts/build.mjs && npm prune --omit=dev

# --- runtime: production dependencies and build output only, non-root ---------------------------------
FROM node:22-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libimage-exiftool-perl tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data \
    KUA_KEYS_DIR=/secrets/keys \
    KUA_WEB_DIR=/app/dist/web
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data /secrets/keys \
 && chown -R node:node /data /secrets \
 && chmod 0700 /data /secrets /secrets/keys
USER node
EXPOSE 8080
ENTRYPOINT ["tini", "--"]
CMD ["node", "dist/server/main.js"]
