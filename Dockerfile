FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin tarikh

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/tarikh /usr/local/bin/tarikh
WORKDIR /data
EXPOSE 8080
ENTRYPOINT ["tarikh"]
CMD ["serve"]
