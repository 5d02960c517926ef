# Wolkenwacht scanner image: non-root, entrypoint `wolkenwacht`.
#   docker build -t wolkenwacht .
#   docker run --rm -v "$PWD:/work" -e AWS_PROFILE wolkenwacht scan --config /work/config.toml
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scanner ./scanner
COPY connectors ./connectors
COPY findings ./findings
COPY policies ./policies
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 wolkenwacht
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER wolkenwacht
WORKDIR /work
ENTRYPOINT ["wolkenwacht"]
CMD ["--help"]
