# Wolkenwacht scanner image: non-root, entrypoint `wolkenwacht`; dependencies from requirements.lock (hashed).
#   docker build -t wolkenwacht .
#   docker run --rm -v "$PWD:/work" -e AWS_PROFILE wolkenwacht scan --config /work/config.toml
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY inventory ./inventory
COPY connectors ./connectors
COPY findings ./findings
COPY reports ./reports
COPY scanner ./scanner
COPY policies ./policies
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN useradd --create-home --uid 10001 wolkenwacht
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock && rm /tmp/requirements.lock
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-deps /wheels/*.whl && rm -rf /wheels
USER wolkenwacht
WORKDIR /work
ENTRYPOINT ["wolkenwacht"]
CMD ["--help"]
