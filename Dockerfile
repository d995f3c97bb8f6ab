# atazan: build in the Rust image, run from a slim Debian with only the binary
# and the content folder. The data folder (sled) is a volume: it is a cache of
# the content and is rebuilt when missing.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY benches ./benches
RUN cargo build --release --locked --bin atazan

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app atazan
WORKDIR /app
COPY --from=build /src/target/release/atazan /usr/local/bin/atazan
COPY content ./content
RUN mkdir data && chown atazan data
USER atazan
ENV ATAZAN_DATA=/app/data
VOLUME ["/app/data"]
# With TELOXIDE_TOKEN set this runs the bot; `docker run -it IMAGE chat` opens the terminal chat.
ENTRYPOINT ["atazan"]
CMD ["run"]
