# A Unimargin node. Build from the repository root: `docker build -t unimargin .`; run with a configuration mounted at
# /config (see examples/compose.yaml): `docker run -v $PWD/config:/config -e DATABASE_URL=… unimargin`.
FROM node:20-bookworm-slim
WORKDIR /app
COPY . .
RUN npx -y pnpm@10.34.9 install --frozen-lockfile && npx -y pnpm@10.34.9 build
EXPOSE 8080
# SIGTERM stops the node in order within --shutdown-timeout (default 10 s); keep the runtime's grace period above it
STOPSIGNAL SIGTERM
ENTRYPOINT ["node_modules/.bin/tsx", "services/node/src/bin.ts"]
CMD ["start", "-c", "/config/unimargin.config.ts", "--hostname", "0.0.0.0", "--api-port", "8080"]
