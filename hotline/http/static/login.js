// Log in once, for the wallboard, the supervisor's page and the prompt review page: the token
// typed here is exchanged for an HttpOnly session cookie (POST /session) and forgotten (no
// script can read the cookie, and nothing is kept in web storage); it never appears in an address,
// so no access log, browser history or Referer holds it. hotlineLogin() resolves with who the
// session acts as ({name, role}) once logged in.
async function hotlineLogin(labels) {
  const who = await fetch("/session");
  if (who.ok) return who.json();
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
