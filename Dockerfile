# Multi-stage build: a static binary on a minimal non-root image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tapline ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/tapline /app/tapline
COPY configs /app/configs
USER nonroot:nonroot
ENV TAPLINE_DATA_DIR=/tmp/tapline
EXPOSE 8080
ENTRYPOINT ["/app/tapline"]
