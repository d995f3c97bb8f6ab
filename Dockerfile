# syntax=docker/dockerfile:1
#
# atazan: built in the Rust image, run from a slim Debian with only the binary,
# CA certificates (for the Telegram Bot API over TLS) and the content folder.
#
#   docker build -t atazan .
#   docker run -d -e TELOXIDE_TOKEN=... -v atazan-data:/app/data atazan
#   docker run -d ... -v "$PWD/content:/app/content:ro" atazan   # live content
#   docker run -it --rm atazan chat                                # no Telegram
#
# The content is baked in at /app/content; mount a folder there to edit it
# without rebuilding (the bot reloads a valid change; the files must be readable
# by uid 10001). The data folder (sled) is a volume: a cache of the content,
# rebuilt when missing.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Everything `cargo build --release --locked` reads: the manifest and lock
# file, the sources, and the bench target Cargo.toml declares (cargo checks
# that every declared target exists, even one it does not build). A new
# [[bench]], [[example]], [[test]], a build.rs or a workspace member in
# Cargo.toml needs its line here (tests/deploy.rs checks this list).
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY benches ./benches
# The workspace's other members (not built here), without which the lock
# file would not match the workspace and --locked would refuse it.
COPY crates ./crates
# The registry and target caches speed up rebuilds (BuildKit); the binary is
# copied out of the cached target folder, which is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked \
 && cp target/release/atazan /usr/local/bin/atazan

FROM debian:bookworm-slim
# ca-certificates is left unpinned on purpose: CA updates are security fixes,
# and a pinned version disappears from the archive when it is superseded.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 atazan \
 && useradd --system --no-log-init --uid 10001 --gid atazan \
      --home-dir /app --no-create-home --shell /usr/sbin/nologin atazan \
 && install -d -o 10001 -g 10001 /app/data
WORKDIR /app
COPY --from=build /usr/local/bin/atazan /usr/local/bin/atazan
COPY content ./content
ENV ATAZAN_DATA=/app/data \
    ATAZAN_HTTP=0.0.0.0:9464
VOLUME ["/app/data"]
USER 10001:10001
# 8080: the webhook listener; 9464: the ops server (/healthz, /metrics).
EXPOSE 8080 9464
# The bot shuts down gracefully on SIGTERM (the default, stated for clarity).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["atazan", "health"]
# With TELOXIDE_TOKEN set `run` starts the bot; `docker run -it IMAGE chat`
# opens the terminal chat instead.
ENTRYPOINT ["atazan"]
CMD ["run"]
