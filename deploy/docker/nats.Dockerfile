# nats-server on the Debian base, the binary copied from the host's Debian package (no
# registry is reachable where this is built). Runs as nobody; JetStream data in /data.
ARG BASE
FROM ${BASE}
COPY nats-server /usr/local/bin/nats-server
RUN mkdir -p /data && chown 65534:65534 /data
USER 65534:65534
EXPOSE 4222 6222 8222
# bash's /dev/tcp stands in for curl, which minbase does not have: 200 once the server
# (and JetStream, when enabled) is up.
HEALTHCHECK --interval=2s --timeout=2s --retries=30 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8222 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '^HTTP/1.[01] 200' <&3"]
# No entry point, so a compose command naming nats-server (as for the upstream image) runs.
CMD ["nats-server", "-js", "-sd", "/data", "-m", "8222"]
