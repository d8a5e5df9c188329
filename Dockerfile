# tokhyg in a container: a static musl binary on an empty base, run as a non-root user.
#   docker build -t tokhyg .
#   docker run --rm -v "$PWD:/src" tokhyg scan /src
#   docker run --rm -v "$PWD:/src" -w /src tokhyg scan --history
FROM rust:1.89-alpine AS build
RUN apk add --no-cache musl-dev gcc make perl cmake
WORKDIR /build
COPY . .
RUN cargo build --locked --release && strip target/release/tokhyg

FROM scratch
COPY --from=build /build/target/release/tokhyg /usr/local/bin/tokhyg
COPY --from=build /build/LICENSE-MIT /build/LICENSE-APACHE /usr/share/doc/tokhyg/
ENV PATH=/usr/local/bin
USER 65532:65532
ENTRYPOINT ["tokhyg"]
