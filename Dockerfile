# syntax=docker/dockerfile:1
#
# Parley's container image. The packages are built and packed by
# scripts/pack.mjs, the same command test/packed-install.e2e.test.ts runs
# (test/deploy.test.ts fails if the two drift apart), then installed from the
# tarball by npm into a folder laid out by deploy/package.json, as the test
# installs them, and run as a non-root user with the database in /data.
#
#   docker build -t parley .
#   docker run -d --stop-timeout 30 -p 127.0.0.1:8787:8787 -v parley-data:/data \
#     -e PARLEY_PUBLIC_URL=https://comments.example.com \
#     -e PARLEY_ORIGINS=https://blog.example.com parley
#
# A graceful stop (SIGTERM) takes up to 15 s (the notification worker's sends
# 5 s, then requests in flight 10 s), more than Docker's default 10 s before
# it kills: give it 30 (`--stop-timeout 30`, `docker stop -t 30`; compose.yaml
# sets stop_grace_period).
#
# The machines Parley is developed on have no Docker daemon: this file has not
# been built there. The steps it runs have: the test packs, installs and runs
# them (and runs the HEALTHCHECK command below against the installed server).

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build and pack, from the repository (see .dockerignore for what is sent).
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN npx -y pnpm@12.4.2 install --frozen-lockfile
RUN node scripts/pack.mjs --out /tarballs

# 2. Install the server from its tarball, as a user would: its native addon is
#    compiled here, where the build tools are, and only the result moves on.
FROM ${NODE_IMAGE} AS install
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY deploy/package.json ./
COPY --from=build /tarballs/ /tarballs/
RUN npm install --no-audit --no-fund /tarballs/parley-server-*.tgz

# 3. Run: the installed folder on a clean base, as the unprivileged `node` user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=8787 \
  DATABASE_URL=/data/parley.db
WORKDIR /app
COPY --from=install /app /app
# The SQLite database, its WAL files and its key file (PARLEY_SECRET unset)
# live in the volume; a bind-mounted folder must be writable by uid 1000.
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8787
# Node's own fetch: the slim image has no curl. /healthz answers 503 when the
# database does not answer, which marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# parley-server stops gracefully on SIGTERM (Docker's default, said here so
# no base image can change it): see the stop timeout at the top.
STOPSIGNAL SIGTERM
# Arguments go to parley-server: `docker run parley --help`, `... backup /data/copy.db`.
ENTRYPOINT ["/app/node_modules/.bin/parley-server"]
