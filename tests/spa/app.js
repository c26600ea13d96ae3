// The single-page app's logic, shared by its three pages (body[data-page]). Each step writes what it got
// into <pre id="result"> as JSON and marks body[data-status] "done" or "error", for the test to read.
"use strict";

async function userManager() {
  const config = await (await fetch("config.json")).json();
  return new oidc.UserManager({
    authority: config.authority,
    client_id: config.client_id,
    redirect_uri: new URL("callback.html", location.href).href,
    post_logout_redirect_uri: new URL("logged-out.html", location.href).href,
    response_type: "code",
    scope: "openid profile",
    loadUserInfo: true,
    automaticSilentRenew: false,
    revokeTokensOnSignout: true,
  });
}

// A direct userinfo call with the access token (a bearer header: the browser sends a preflight first).
async function userinfo(manager, accessToken) {
  const endpoint = await manager.metadataService.getUserInfoEndpoint();
  const response = await fetch(endpoint, { headers: { Authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: await response.json() };
}

function show(status, result) {
  document.getElementById("result").textContent = JSON.stringify(result, null, 2);
  document.body.dataset.step = result.step || "";
  document.body.dataset.status = status;
}

async function run(step) {
  delete document.body.dataset.status;
  try {
    const result = await step();
    if (result !== undefined) show("done", result);
  } catch (error) {
    show("error", { error: String(error), stack: error && error.stack });
  }
}

const pages = {
  home(manager) {
    document.getElementById("login").onclick = () => run(() => manager.signinRedirect());
  },

  async callback(manager) {
    await run(async () => {
      const user = await manager.signinRedirectCallback();
      return {
        step: "signed-in",
        profile: user.profile,
        access_token: user.access_token,
        refresh_token: user.refresh_token,
        userinfo: await userinfo(manager, user.access_token),
      };
    });
    document.getElementById("refresh").onclick = () =>
      run(async () => {
        const before = await manager.getUser();
        const after = await manager.signinSilent(); // with a refresh token: the refresh_token grant
        return {
          step: "refreshed",
          previous_access_token: before.access_token,
          access_token: after.access_token,
          previous_refresh_token: before.refresh_token,
          refresh_token: after.refresh_token,
          profile: after.profile,
          userinfo: await userinfo(manager, after.access_token),
        };
      });
    // With a state, the provider must send it back (RP-Initiated Logout §3); the callback checks it.
    document.getElementById("logout").onclick = () =>
      run(() => manager.signoutRedirect({ state: { from: "callback.html" } }));
  },

  async "logged-out"(manager) {
    await run(async () => {
      const response = await manager.signoutRedirectCallback();
      return {
        step: "logged-out",
        error: response.error,
        state: response.userState,
        user: await manager.getUser(),
      };
    });
  },
};

window.addEventListener("DOMContentLoaded", () =>
  run(async () => {
    const manager = await userManager();
    await pages[document.body.dataset.page](manager);
  }),
);
