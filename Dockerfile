# dbset-fn as a container function for kpt and kustomize.
#
# BASE is any Debian-like image with Python >= 3.11 and its venv module. Python's
# official images keep the interpreter in /usr/local/bin, Debian's in /usr/bin; the
# virtual environment hides the difference. CI builds with a locally made base:
#   podman build --build-arg BASE=localhost/debian-python:bookworm \
#     -t localhost/dbset-fn:v0.1.0 -t localhost/dbset-fn:v0.1 .
ARG BASE=docker.io/library/python:3.12-slim-bookworm

FROM ${BASE} AS build
# A CA bundle for pip behind a TLS-intercepting proxy, given at build time only; pip
# reads PIP_CERT itself, and an empty one is no bundle. The empty default keeps the
# build from warning that the argument is missing.
ARG PIP_CERT=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/dbset-fn
COPY pyproject.toml README.md /src/
COPY fn /src/fn
# Byte-compiled here, because the running container may have a read-only filesystem;
# pip goes last, the function needs nothing of it.
RUN /opt/dbset-fn/bin/pip install --compile /src \
 && /opt/dbset-fn/bin/pip uninstall --yes pip

FROM ${BASE}
LABEL org.opencontainers.image.title="dbset-fn" \
      org.opencontainers.image.description="KRM function that gives every app its own CloudNativePG database, owner role and External Secrets credentials" \
      org.opencontainers.image.source="https://github.com/dbset-fn/dbset-fn" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /opt/dbset-fn /opt/dbset-fn
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# Any uid works: kpt and kustomize start the function as nobody.
USER 65532:65532
ENTRYPOINT ["/opt/dbset-fn/bin/dbset-fn"]
