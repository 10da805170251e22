# Pincer's headless server: `pincer serve --http` (the OpenAI-compatible API) with the model on a
# volume. Not run on the machine this was written on (no Docker engine there); compose.yaml is
# checked against the Compose specification by test/deploy/compose.test.ts.
#
#   docker build -t pincer .
#   docker run --gpus all -v pincer-models:/models -v pincer-config:/config -p 127.0.0.1:8443:8443 pincer
#
# The API listens on 0.0.0.0 inside the container, so it runs with TLS 1.3 (a self-signed
# certificate generated into /config on first start; its fingerprint is printed) and the bearer
# token in /config/api-token (0600).

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
# git: the agent's checkpoints; bubblewrap: the agent's command sandbox.
RUN apt-get update && apt-get install -y --no-install-recommends git bubblewrap ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
RUN useradd --create-home --uid 10001 pincer && mkdir -p /models /config && chown pincer:pincer /models /config
USER pincer
ENV PINCER_SETTINGS=/config/settings.json PINCER_CACHE_DIR=/config/cache
VOLUME ["/models", "/config"]
EXPOSE 8443
ENTRYPOINT ["node", "/app/bin/pincer.js"]
CMD ["serve", "--http", "--host", "0.0.0.0", "--port", "8443", "--tls", "--model", "/models/model.gguf"]
