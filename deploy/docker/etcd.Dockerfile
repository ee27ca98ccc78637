# etcd and etcdctl on the Debian base, copied from the host's Debian packages. Runs as
# nobody; data in /etcd-data.
ARG BASE
FROM ${BASE}
COPY etcd etcdctl /usr/local/bin/
RUN mkdir -p /etcd-data && chown 65534:65534 /etcd-data && chmod 700 /etcd-data
USER 65534:65534
EXPOSE 2379 2380
# GET /health answers 200 only while the member has a leader and serves reads.
HEALTHCHECK --interval=2s --timeout=2s --retries=30 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2379 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '^HTTP/1.[01] 200' <&3"]
# No entry point: compose commands name /usr/local/bin/etcd, as for the upstream image.
CMD ["etcd"]
