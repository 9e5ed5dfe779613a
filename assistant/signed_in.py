"""With --auth, every route of the chat's server but the login page's needs a signed-in session."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from assistant.phrases import SIGN_IN

# What the login page needs before anyone has signed in: the page, its scripts, styles, fonts
# and icons, the login form, and the start-up call `launch` makes to its own server.
LOGIN_PAGE = frozenset({"/", "/login", "/login/", "/logout", "/favicon.ico", "/theme.css", "/gradio_api/theme.css",
                        "/robots.txt", "/manifest.json", "/gradio_api/startup-events"})
LOGIN_ASSETS = ("/assets/", "/static/", "/svelte/")


class SignedInOnly:
    """With --auth, every request but the login page's needs a signed-in session (Gradio's cookie).

    Gradio checks the login on its page config, API and file routes but not on all of them
    (cancel, reset, heartbeat, stream, run history...); checked here, a route that Gradio adds
    later is covered too."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] in ("http", "websocket") and path not in LOGIN_PAGE and not path.startswith(LOGIN_ASSETS):
            server, cookies = scope["app"], HTTPConnection(scope).cookies
            token = cookies.get(f"access-token-{server.cookie_id}") or cookies.get(f"access-token-unsecure-{server.cookie_id}")
            if token not in server.tokens:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                else:
                    await JSONResponse({"detail": SIGN_IN}, status_code=401)(scope, receive, send)
                return
        await self.app(scope, receive, send)
