# dbset-fn as a container function for kpt and kustomize.
#
# BASE is any Debian-like image with Python >= 3.11 and its venv module. Python's
# official images keep the interpreter in /usr/local/bin, Debian's in /usr/bin; the
# virtual environment hides the difference. RUNTIME_BASE, the base of the image itself,
# is BASE unless given: an image with the same Python, which needs no venv module nor
# pip. CI builds on two bases made locally from one Debian root (.ci/build-image):
#   podman build --build-arg BASE=localhost/debian-python:bookworm-build \
#     --build-arg RUNTIME_BASE=localhost/debian-python:bookworm-runtime \
#     -t localhost/dbset-fn:v0.2.0 -t localhost/dbset-fn:v0.2 .
ARG BASE=docker.io/library/python:3.12-slim-bookworm
ARG RUNTIME_BASE=${BASE}

FROM ${BASE} AS build
# A CA bundle for pip behind a TLS-intercepting proxy, given at build time only; pip
# reads PIP_CERT itself, and an empty one is no bundle. The empty default keeps the
# build from warning that the argument is missing.
ARG PIP_CERT=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# The function's environment gets no pip nor setuptools: a second one installs into it.
RUN python3 -m venv /opt/pip \
 && python3 -m venv --without-pip /opt/dbset-fn \
 && rm /opt/dbset-fn/bin/activate* /opt/dbset-fn/bin/Activate.ps1
COPY pyproject.toml README.md /src/
COPY fn /src/fn
# Byte-compiled here, because the running container may have a read-only filesystem:
# the function and what it imports, not pydantic's v1, deprecated and experimental
# modules nor its mypy plugin, which it never imports; unchecked, as nothing in the
# image changes.
RUN /opt/pip/bin/pip --python /opt/dbset-fn/bin/python install --no-compile /src \
 && /opt/dbset-fn/bin/python -m compileall -q -j 0 --invalidation-mode unchecked-hash \
      -x '/pydantic/(v1|deprecated|experimental|mypy\.py)' /opt/dbset-fn/lib \
 && PYTHONDONTWRITEBYTECODE=1 /opt/dbset-fn/bin/dbset-fn --version

FROM ${RUNTIME_BASE}
LABEL org.opencontainers.image.title="dbset-fn" \
      org.opencontainers.image.description="KRM function that gives every app its own CloudNativePG database, owner role and External Secrets credentials" \
      org.opencontainers.image.source="https://github.com/dbset-fn/dbset-fn" \
      org.opencontainers.image.version="0.2.0" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /opt/dbset-fn /opt/dbset-fn
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# Any uid works: kpt and kustomize start the function as nobody.
USER 65532:65532
ENTRYPOINT ["/opt/dbset-fn/bin/dbset-fn"]
