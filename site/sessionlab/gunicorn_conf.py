"""Production gunicorn settings: `gunicorn -c python:sessionlab.gunicorn_conf`."""

import os

wsgi_app = "sessionlab:create_app()"
bind = os.environ.get("SESSIONLAB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Build the app once in the master: workers fork with templates and
# translations already loaded, and a generated key file is made only once.
preload_app = True
accesslog = "-"
# The usual combined format plus the worker's pid, to show which worker served whom.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s'
errorlog = "-"
# gunicorn 27's control socket lives in one shared place per user; without
# this, a second server on the same machine fights the first over it.
control_socket_disable = True
# Behind a TLS proxy, gunicorn's own defaults are what the site needs, so none is set
# here: gunicorn makes the request's scheme https from X-Forwarded-Proto: https
# (secure_scheme_headers) only when the peer is in forwarded_allow_ips
# (FORWARDED_ALLOW_IPS, else 127.0.0.1 and ::1); from any other peer it leaves it http.
