# syntax=docker/dockerfile:1
# Build stage: all dependencies, compile TypeScript (tsc; the Swagger metadata comes from src/metadata.ts),
# then keep only what the server needs at run time, and assemble the runtime's root filesystem in /rootfs.
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# install scripts are not run: argon2 ships prebuilt binaries, and nothing else needs one
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# What production dependencies carry but never run: TypeScript (a dependency of @nestjs/swagger for its
# compiler plugin, which no build of ours runs), type declarations, source maps, docs, and PGlite's
# optional extension bundles (the embedded database loads none of them; with DATABASE_URL PGlite is not
# loaded at all).
RUN rm -rf node_modules/typescript node_modules/@types \
      node_modules/@electric-sql/pglite/dist/*.tar.gz node_modules/@electric-sql/pglite/dist/contrib \
 && find node_modules dist \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' \
      -o -name '*.md' -o -name '*.markdown' \) -type f -delete
# The runtime root: node, `id` (for `docker exec … id`), the shared libraries that they and the native
# addons link (argon2 needs librt), the `node` user (uid 1000) and group, writable /tmp and /app/data.
# No shell, no package manager, no npm.
RUN set -e; mkdir -p /rootfs/usr/local/bin /rootfs/usr/bin /rootfs/etc /rootfs/tmp /rootfs/app/data; \
    cp /usr/local/bin/node /rootfs/usr/local/bin/node; cp /usr/bin/id /rootfs/usr/bin/id; \
    for lib in $( (ldd /usr/local/bin/node; ldd /usr/bin/id; find node_modules -name '*.node' -exec ldd {} \;) \
      | grep -o '/[^ ]*' | sort -u); do cp -L --parents "$lib" /rootfs; done; \
    grep -E '^(root|node):' /etc/passwd > /rootfs/etc/passwd; grep -E '^(root|node):' /etc/group > /rootfs/etc/group; \
    cp /etc/nsswitch.conf /rootfs/etc/; \
    chmod 1777 /rootfs/tmp; chown 1000:1000 /rootfs/app/data

# Runtime: nothing but /rootfs, the production dependencies and the compiled server, as `node` (uid 1000).
FROM scratch
COPY --from=build /rootfs/ /
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/data \
    PATH=/usr/local/bin:/usr/bin
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 1000:1000
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
