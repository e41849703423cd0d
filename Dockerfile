# syntax=docker/dockerfile:1
# dash-keycloak-operator image: built in one stage, run in another that holds only the
# compiled dist/ and the production dependencies, as a non-root user. No secrets are baked in:
# the Keycloak credentials reach the pod as environment variables from a Kubernetes Secret.
ARG NODE_IMAGE=node:24-bookworm-slim

# Compile TypeScript to dist/ with the dev dependencies (tsc).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install` from the lockfile, not `npm ci`: the lockfile lacks other platforms' optional
# binaries (@swc/core-*, see .ci/run), which `npm ci` rejects as out of sync. `npm install`
# still installs exactly the locked versions.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, without install scripts.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="dash-keycloak-operator" \
      org.opencontainers.image.description="Reconciles Dash Enterprise identity (realms, groups, users, role bindings) into Keycloak" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
# The heap limit the chart sets by default (values heapLimitMb): V8 would otherwise size the
# heap from the node's memory and let garbage pile up to several times the live heap.
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=4"
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# A numeric uid/gid (not the image's `node` user) so that runAsNonRoot can verify it; files stay
# root-owned and read-only to the process, which suits readOnlyRootFilesystem.
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["node", "dist/main.js"]
CMD ["run"]
