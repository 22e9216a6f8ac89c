"""Native async access to the default cache, for the websocket hot paths.

Django's `cache.aget()` & co. are `sync_to_async` wrappers: under Channels each call queues
on the one thread that runs every sync call of the process (thread_sensitive), behind ORM
work, and costs a thread hop. With the Redis cache this module talks to Redis from the event
loop itself (redis.asyncio, one connection pool per event loop) using the cache's own key
function and serializer, so a value written here is read by `cache.get()` and vice versa.
Other backends (local memory in the embedded mode) are in-process and never block on I/O:
they are called directly.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _redis():
    """The redis.asyncio client of the running loop (None when the cache is not Redis)."""
    backend = _backend()
    if not isinstance(backend, RedisCache):
        return None
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        import redis.asyncio

        # Blocking: a burst waits for a free connection instead of failing (the plain
        # pool raises "Too many connections" when full).
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            backend._servers[0], max_connections=64, timeout=20, socket_timeout=10
        )
        client = redis.asyncio.Redis(connection_pool=pool)
        _clients[loop] = client
    return client


def _backend():
    return caches["default"]


def _dumps(value: Any):
    return _backend()._cache._serializer.dumps(value)


def _loads(raw):
    return None if raw is None else _backend()._cache._serializer.loads(raw)


def _key(key: str) -> str:
    return _backend().make_and_validate_key(key)


def _ttl(timeout: float | None) -> int | None:
    return _backend().get_backend_timeout(timeout)


async def get(key: str, default: Any = None) -> Any:
    client = _redis()
    if client is None:
        return cache.get(key, default)
    value = _loads(await client.get(_key(key)))
    return default if value is None else value


async def get_many(keys: list[str]) -> dict[str, Any]:
    """Like `cache.get_many`: only the keys that hold a value, in one round trip."""
    client = _redis()
    if client is None:
        return cache.get_many(keys)
    if not keys:
        return {}
    raw = await client.mget([_key(k) for k in keys])
    return {k: _loads(v) for k, v in zip(keys, raw, strict=True) if v is not None}


async def set(key: str, value: Any, timeout: float | None) -> None:
    client = _redis()
    if client is None:
        cache.set(key, value, timeout=timeout)
        return
    await client.set(_key(key), _dumps(value), ex=_ttl(timeout))


async def add(key: str, value: Any, timeout: float | None) -> bool:
    client = _redis()
    if client is None:
        return cache.add(key, value, timeout=timeout)
    return bool(await client.set(_key(key), _dumps(value), ex=_ttl(timeout), nx=True))


async def delete(key: str) -> bool:
    client = _redis()
    if client is None:
        return cache.delete(key)
    return bool(await client.delete(_key(key)))
