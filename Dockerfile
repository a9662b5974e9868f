# The МЦУ monitor worker image (natasha's models ship inside its PyPI packages).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY streams ./streams
COPY nlp ./nlp
COPY alerts ./alerts
COPY reports ./reports
RUN pip install --no-cache-dir .
# The audit log's volume: a new named volume takes this folder's owner and mode (owner only).
RUN mkdir -p /var/lib/mcu-audit && chown nobody /var/lib/mcu-audit && chmod 0700 /var/lib/mcu-audit
USER nobody
ENTRYPOINT ["mcu"]
CMD ["worker"]
