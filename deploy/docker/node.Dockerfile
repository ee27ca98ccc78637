# Node.js on the Debian base: the binary the project runs on (build-images.sh), with the
# shared libraries it links that minbase lacks. The orchestrator's image builds on this.
ARG BASE
FROM ${BASE}
COPY lib/ /usr/lib/x86_64-linux-gnu/
COPY node /usr/local/bin/node
