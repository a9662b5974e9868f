# The МЦУ monitor worker image (natasha's models ship inside its PyPI packages).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY streams ./streams
COPY nlp ./nlp
COPY alerts ./alerts
COPY reports ./reports
RUN pip install --no-cache-dir .
USER nobody
ENTRYPOINT ["mcu"]
CMD ["worker"]
