"""The Redis store behind Redis Sentinel: the client follows the master through a failover,
and every session write waits for a replica, so that no answered change is lost with the master.
"""

from flask import current_app
from redis.exceptions import RedisError
from redis.sentinel import Sentinel

# A failover keeps the master's writes only if a replica had them: one is enough, and with
# two, one is left to acknowledge writes once the other has taken over.
REPLICAS = 1


class NotReplicated(RedisError):
    """No replica acknowledged a session write in time: the master holds it, alone."""


def addresses(entries):
    """("host", port) pairs from REDIS_SENTINELS's "host:port" strings, or refuse them."""
    try:
        pairs = [entry.rsplit(":", 1) for entry in entries]
        return [(host, int(port)) for host, port in pairs]
    except (AttributeError, TypeError, ValueError):
        raise RuntimeError(
            f'FLASK_REDIS_SENTINELS is {entries!r}; it must be a JSON list of "host:port" strings.'
        ) from None


def master_client(config, **options):
    """A client of the master the sentinels name now, and of the next one after a failover."""
    # The sentinels are asked with the options' socket timeouts too.
    sentinels = Sentinel(addresses(config["REDIS_SENTINELS"]), **options)
    return sentinels.master_for(config["REDIS_SENTINEL_MASTER"])


def location(client):
    """The master's name, and the address the sentinels give for it now."""
    pool = client.connection_pool
    host, port = pool.sentinel_manager.discover_master(pool.service_name)
    db = pool.connection_kwargs.get("db", 0)
    return f"Sentinel master {pool.service_name}: {host}:{port} db {db}"


def wait_for_a_replica(interface):
    """Flask-Session's Redis interface, its record writes and deletes answered only once a
    replica has them: NotReplicated after REDIS_REPLICA_TIMEOUT seconds without one.

    Flask-Session's own write is one SET (with its lifetime in whole seconds as the TTL);
    here the SET and Redis's WAIT go in one pipeline: one round trip, and the WAIT on the
    connection that wrote, as WAIT requires. _upsert_session and _delete_session are
    Flask-Session's private API, as in stores.py (flask-session is pinned below 0.9).
    """

    def upsert_replicated(lifetime, session, store_id):
        record = interface.serializer.encode(session)
        ttl = int(lifetime.total_seconds())
        replicated(interface.client.pipeline(transaction=False).set(store_id, record, ex=ttl))

    def delete_replicated(store_id):
        replicated(interface.client.pipeline(transaction=False).delete(store_id))

    interface._upsert_session = upsert_replicated
    interface._delete_session = delete_replicated
    return interface


def replicated(pipeline):
    """Run pipeline's writes and wait until a replica has them; NotReplicated if none has."""
    timeout = current_app.config["REDIS_REPLICA_TIMEOUT"]
    # WAIT counts milliseconds, and 0 would wait for ever.
    *_, acknowledged = pipeline.wait(REPLICAS, max(1, round(timeout * 1000))).execute()
    if acknowledged < REPLICAS:
        raise NotReplicated(f"No replica acknowledged a session write within {timeout} s")
