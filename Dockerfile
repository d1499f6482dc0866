# kefu: one binary with the widget, the demo shop and the chat gateway.
#
#   docker build -t kefu .
#   docker run -p 8080:8080 -v kefu-data:/data kefu
#
# Build stage: cgo is needed for SQLite (mattn/go-sqlite3).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/kefu ./cmd/kefu \
 && mkdir -p /out/data

# Runtime: distroless with glibc (the cgo binary needs it, so not
# distroless/static or scratch), running as the non-root user.
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/kefu /usr/local/bin/kefu
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV KEFU_DB=/data/kefu.db \
    KEFU_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
# The image has no curl: the binary checks its own /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/kefu", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/kefu"]
CMD ["serve"]
