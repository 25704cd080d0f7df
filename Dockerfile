# syntax=docker/dockerfile:1

# Build a static binary.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/priobot .

# Run it from an image with CA certificates, a nonroot user and no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/priobot /usr/local/bin/priobot
USER nonroot:nonroot
ENV HTTP_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/usr/local/bin/priobot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/priobot"]
