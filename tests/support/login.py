"""The browser pages' one log-in (hotline/http/static/login.js) as a test drives it in Chromium."""

from __future__ import annotations

from typing import Any


async def log_in(page: Any, token: str) -> None:
    """Type `token` into the page's log-in form and send it."""
    await page.fill("#login input[name=token]", token)
    await page.click("#login button[type=submit]")


async def logs_in_once(context: Any, page: Any, address: str, token: str, ready: str) -> None:
    """At `address`: an unknown token is refused on the form; `token` is exchanged for the
    HttpOnly, SameSite=Strict session cookie (the page shows `ready`), and is then nowhere the
    page or a script could read it (address, cookie value, web storage); a reload asks nothing."""
    await page.goto(address)
    await log_in(page, "h12333_unknown")
    await page.wait_for_selector("#login .error:not([hidden])")
    assert "令牌无效" in await page.inner_text("#login")
    await log_in(page, token)
    await page.wait_for_selector(ready)
    cookie = next(c for c in await context.cookies() if c["name"] == "hotline_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    stored = await page.evaluate("JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage),"
                                 " document.cookie])")
    assert token not in page.url and token not in cookie["value"] and token not in stored
    await page.reload()  # logged in once: no form the second time
    await page.wait_for_selector(ready)
    assert await page.query_selector("#login") is None
