# Node.js on the Debian base: the host's node binary (it links only libc, libstdc++ and
# libgcc, all in minbase). The orchestrator's image builds on this.
ARG BASE
FROM ${BASE}
COPY node /usr/local/bin/node
