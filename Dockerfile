# One image for every app process (api, worker, bridge, migrate); docker-compose.yml picks the command.
# TypeScript runs through tsx, so there is no build step.
#
# Node 22 LTS: Node 20 is past its end of life and no longer published as an official image; the code
# targets ">=20.19" and runs unchanged on 22. Debian (glibc), not Alpine: the native parts that ship
# inside npm packages (Temporal's core bridge, SWC for the workflow bundle, esbuild for tsx) are glibc
# builds.
FROM node:22.23.2-bookworm-slim

ENV NODE_ENV=production \
    CHECKPOINT_DISABLE=1

WORKDIR /app

COPY package.json package-lock.json ./
# No dependency needs its install scripts (prisma's would fetch engines this app does not use: it runs
# the JS engine through @prisma/adapter-pg).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY . .
# generate only reads the schema; it wants DATABASE_URL set, and never connects to it.
RUN DATABASE_URL=postgresql://build:build@localhost:5432/build npx prisma generate

USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/api/main.ts"]
