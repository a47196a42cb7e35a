# Civitas: one binary. Build stage compiles it; the runtime image holds only the binary.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY templates templates
COPY static static
COPY migrations migrations
COPY examples examples
RUN cargo build --release --locked --bin civitas

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/civitas --create-home --shell /usr/sbin/nologin civitas \
 && install -d -o civitas -g civitas -m 0700 /var/lib/civitas/keys /var/lib/civitas/data
COPY --from=build /src/target/release/civitas /usr/local/bin/civitas
USER civitas
WORKDIR /var/lib/civitas
# Data (SQLite when no PostgreSQL URL is set) and the private signing keys live here.
VOLUME ["/var/lib/civitas"]
ENV CIVITAS_LISTEN=0.0.0.0:8080 \
    CIVITAS_KEYS__DIR=/var/lib/civitas/keys \
    CIVITAS_LOG__FORMAT=json
EXPOSE 8080
# `civitas health` asks the server's /readyz (database taking writes, signing keys usable).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["civitas", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["civitas"]
CMD ["serve"]
