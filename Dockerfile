# One image for the identity provider and the three sample relying parties (SANDBOX, synthetic data).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY idp ./idp
COPY clients ./clients
RUN pip install --no-cache-dir .
# A sandbox for test suites by default: the control API, headless login and client registration on, with
# one documented token; the personas seeded at start (and VNEID_SEED_COUNT generated citizens more).
ENV AUTHLIB_INSECURE_TRANSPORT=1 \
    VNEID_CLIENTS_FILE=/app/idp/oidc/clients.json \
    VNEID_DATABASE_URL=sqlite:////data/vneid.sqlite3 \
    VNEID_KEYS_DIR=/data/keys \
    VNEID_HOST=0.0.0.0 \
    VNEID_PORT=8000 \
    VNEID_SANDBOX_API=true \
    VNEID_SANDBOX_TOKEN=vneid-sandbox-token \
    VNEID_REGISTRATION_ENABLED=true \
    VNEID_REGISTRATION_TOKEN=vneid-sandbox-token \
    VNEID_SEED_COUNT=0
EXPOSE 8000
CMD ["sh", "-c", "vneid-mock population seed --count \"$VNEID_SEED_COUNT\" && exec vneid-mock serve"]
