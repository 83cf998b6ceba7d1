"""Security headers on every response, and a refusal to run with a weak secret key."""

from flask import redirect, request

MIN_KEY_BYTES = 32
HOW_TO_FIX = (
    "Set FLASK_SECRET_KEY to a long random value, for example the output of: "
    "python -c 'import secrets; print(secrets.token_hex(32))'"
)
# Keys printed in tutorials and docs: anyone who has read them can sign a session.
SAMPLE_KEYS = {
    sample.encode() if isinstance(sample, str) else sample
    for sample in (
        "BAD_SECRET_KEY",  # the article this site is built on
        "dev",  # the Flask tutorial
        b'_5#y2L"F4Q8z\n\xec]/',  # the Flask docs, as bytes
        '_5#y2L"F4Q8z\\n\\xec]/',  # the same, pasted into an environment variable
        "192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",  # Flask quickstart
        "secret",
        "secret-key",
        "secret_key",
        "super secret key",
        "changeme",
        "change-me",
        "your-secret-key",
    )
}
CONTENT_SECURITY_POLICY = {
    # Only the site's own files, and no inline script or style: the pages need none.
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The same on every response, so written once here rather than rebuilt for each.
SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join(f"{k} {v}" for k, v in CONTENT_SECURITY_POLICY.items()),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The full address only to our own pages: Flask-WTF checks it on HTTPS forms.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "browsing-topics=()",
}
# Over HTTPS: browsers must use HTTPS for this host, and its subdomains, for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31556926; includeSubDomains"


def key_problem(key):
    """Why key cannot sign sessions safely, or None when it can."""
    if not isinstance(key, str | bytes):
        return "is not text (quote it as a JSON string)"
    raw = key.encode() if isinstance(key, str) else key
    if raw in SAMPLE_KEYS:
        return "is a well-known sample key that anyone can sign sessions with"
    if len(raw) < MIN_KEY_BYTES:
        return f"is {len(raw)} bytes long; it needs at least {MIN_KEY_BYTES}"
    return None


def fallback_keys(config):
    """The retired keys that still verify sessions, oldest first."""
    return config.get("SECRET_KEY_FALLBACKS") or []


def key_problems(config):
    """Everything wrong with the secret key and the fallback keys in config."""
    fallbacks = fallback_keys(config)
    if not isinstance(fallbacks, list | tuple):
        # Flask would take each character of a plain string as a key of its own.
        return ["FLASK_SECRET_KEY_FALLBACKS is not a JSON list, such as '[\"old key\"]'"]
    named = [("FLASK_SECRET_KEY", config["SECRET_KEY"])]
    named += [(f"FLASK_SECRET_KEY_FALLBACKS[{i}]", key) for i, key in enumerate(fallbacks)]
    return [f"{name} {problem}" for name, key in named if (problem := key_problem(key))]


def check_secret_keys(app):
    """Refuse to run with a weak key, except in debug mode and tests, which only warn."""
    problems = key_problems(app.config)
    if not problems:
        return
    message = "; ".join(problems) + ". " + HOW_TO_FIX
    if app.debug or app.testing:
        app.logger.warning(message)
    else:
        raise RuntimeError(message)


def over_https(environ):
    """Whether the request's scheme, as the WSGI server set it, is HTTPS."""
    # gunicorn sets it from a proxy's header only when it trusts that proxy (see
    # gunicorn_conf.py); the header itself is never read here, as any client can send it.
    return environ["wsgi.url_scheme"] == "https"


def redirect_to_https():
    """Send a plain-HTTP request to the same address over HTTPS."""
    if not request.is_secure:
        return redirect(request.url.replace("http://", "https://", 1))


class SecurityHeaders:
    """WSGI middleware: the security headers on every response, and pages kept out of caches."""

    def __init__(self, wsgi_app, static_url_path):
        self.wsgi_app = wsgi_app
        self.static_files = f"{static_url_path}/"

    def __call__(self, environ, start_response):
        # Plain (name, value) pairs added as the response starts: unlike Flask's
        # after_request hooks, nothing checks or parses the headers on the way.
        def start_with_headers(status, headers, *exc_info):
            headers.extend(SECURITY_HEADERS.items())
            if over_https(environ):
                headers.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
            # Static files may be cached; their error pages show the layout, built from the session.
            static_file = environ.get("PATH_INFO", "").startswith(self.static_files)
            if not static_file or int(status[:3]) >= 400:
                keep_out_of_caches(headers)
            return start_response(status, headers, *exc_info)

        return self.wsgi_app(environ, start_with_headers)


def keep_out_of_caches(headers):
    """Let no cache store or share a page built from someone's session."""
    # No-store overrides whatever else a response says about caching.
    headers[:] = [header for header in headers if header[0].lower() != "cache-control"]
    headers.append(("Cache-Control", "no-store"))
    for index, (name, value) in enumerate(headers):
        if name.lower() == "vary":  # as Flask's session sets it when a page reads the session
            if "cookie" not in {part.strip().lower() for part in value.split(",")}:
                headers[index] = (name, f"{value}, Cookie")
            return
    headers.append(("Vary", "Cookie"))


def init_app(app):
    check_secret_keys(app)
    # Flask-WTF signs form tokens with one key; given a list it signs with the last and
    # accepts them all, so a form loaded just before a key rotation can still be sent.
    app.config.setdefault("WTF_CSRF_SECRET_KEY", [*fallback_keys(app.config), app.secret_key])
    # HTTPS is the deployer's choice, made with SESSION_COOKIE_SECURE (a secure
    # cookie is never sent back over plain HTTP); debug servers stay on HTTP.
    if app.config["SESSION_COOKIE_SECURE"] and not app.debug:
        app.before_request(redirect_to_https)
    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.static_url_path)
