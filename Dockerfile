# One image for the identity provider and the three sample relying parties (SANDBOX, synthetic data).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY idp ./idp
COPY clients ./clients
RUN pip install --no-cache-dir .
ENV AUTHLIB_INSECURE_TRANSPORT=1 \
    VNEID_CLIENTS_FILE=/app/idp/oidc/clients.json
CMD ["vneid-mock", "serve"]
