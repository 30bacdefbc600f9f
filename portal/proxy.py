"""Client addresses behind a reverse proxy: Werkzeug's ProxyFix, switched on by settings.

Behind nginx or a load balancer every request comes from the proxy's address, so the limits
by address (portal/rate_limits.py) would count all clients together. ProxyFix takes the
client's address from the X-Forwarded-For header instead, trusting only as many hops as
`PROXY_FIX_X_FOR` says (the number of proxies in front of the app that append to it); the
default 0 trusts none, since without a proxy anyone could write the header and choose their
own address. `PROXY_FIX_X_PROTO` does the same for X-Forwarded-Proto (https behind a TLS proxy).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def configure_proxy(app: Flask) -> None:
    hops_for = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    hops_proto = int(app.config.get("PROXY_FIX_X_PROTO") or 0)
    if hops_for < 0 or hops_proto < 0:
        raise ValueError("PROXY_FIX_X_FOR and PROXY_FIX_X_PROTO count proxies: 0 or more")
    if hops_for or hops_proto:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops_for, x_proto=hops_proto)  # type: ignore[method-assign]
