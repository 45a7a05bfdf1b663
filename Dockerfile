FROM rust:1.95-bookworm AS build
WORKDIR /src
# Dependencies first, in a layer of their own: a change to Tarikh's code
# rebuilds only Tarikh.
COPY Cargo.toml Cargo.lock ./
COPY migration/Cargo.toml migration/
RUN mkdir -p src migration/src benches \
 && echo 'fn main() {}' > src/main.rs && touch src/lib.rs migration/src/lib.rs \
 && echo 'fn main() {}' > benches/extract.rs \
 && cargo build --release --locked --bin tarikh \
 && rm -rf src migration/src benches
COPY . .
# Make cargo see the real sources as newer than the placeholders.
RUN touch src/main.rs src/lib.rs migration/src/lib.rs \
 && cargo build --release --locked --bin tarikh

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data tarikh \
 && mkdir -p /data && chown tarikh /data
COPY --from=build /src/target/release/tarikh /usr/local/bin/tarikh
USER tarikh
WORKDIR /data
# The embedded SQLite default (tarikh.db) lives here.
VOLUME /data
ENV TARIKH_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["tarikh", "health"]
ENTRYPOINT ["tarikh"]
CMD ["serve"]
