# Multi-stage build: a static binary on a minimal non-root image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tapline ./cmd/server
# Chart labels are Chinese: take Debian's WenQuanYi Zen Hei into the image.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/tapline /app/tapline
COPY configs /app/configs
COPY --from=build /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
USER nonroot:nonroot
ENV TAPLINE_DATA_DIR=/tmp/tapline
EXPOSE 8080
ENTRYPOINT ["/app/tapline"]
