// Log in once, for the wallboard, the supervisor's page and the prompt review page: the token
// typed here is exchanged for an HttpOnly session cookie (POST /session) and forgotten (no
// script can read the cookie, and nothing is kept in web storage); it never appears in an
// address, so no access log, browser history or Referer holds it. hotlineLogin() resolves with
// who the session acts as ({name, role}) once logged in, and shows it in the page's #who.
const HOTLINE_LOGIN_LABELS = { prompt: "令牌 Token", submit: "登录 Log in",
                               denied: "令牌无效或已撤销 The token is unknown or revoked" };

async function hotlineLogin(labels = HOTLINE_LOGIN_LABELS) {
  const current = await fetch("/session");
  const who = current.ok ? await current.json() : await hotlineAskToken(labels);
  const shown = document.getElementById("who");
  if (shown) {
    shown.textContent = `${who.name} (${who.role})`;
    shown.hidden = false;
  }
  return who;
}

function hotlineAskToken(labels) {
  return new Promise((resolve) => {
    const form = document.createElement("form");
    form.id = "login";
    form.innerHTML = `<label>${labels.prompt} <input type="password" name="token" autocomplete="off" required></label>
      <button type="submit">${labels.submit}</button> <span class="error" hidden></span>`;
    document.body.prepend(form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = form.elements.token;
      const reply = await fetch("/session", { method: "POST", headers: { "Content-Type": "application/json" },
                                               body: JSON.stringify({ token: input.value.trim() }) });
      input.value = "";
      if (!reply.ok) {
        const error = form.querySelector(".error");
        error.textContent = labels.denied;
        error.hidden = false;
        return;
      }
      form.remove();
      resolve((await fetch("/session")).json());
    });
  });
}
