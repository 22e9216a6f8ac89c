"""Bench-only settings of the ASGI server in bench/test_realtime_ws.py, never deployed: the
test settings plus a choice of channel layer, `BENCH_CHANNEL_LAYER`:

- `core` (`CHANNEL_LAYER=core` in config/settings/base.py): channels_redis RedisChannelLayer. A
  group send is one Lua call that copies the message into every member's channel list; each
  process pops its sockets' messages one Redis round trip per message; a channel over
  `capacity` drops what it is sent, silently.
- `pubsub` (default, what config/settings/base.py deploys): channels_redis
  RedisPubSubChannelLayer. A group send is one PUBLISH; each process
  subscribed to the group gets it once and fans it out to its own sockets in memory
  (unbounded queues: nothing is dropped, a slow process grows instead).

`BENCH_LAYER_CAPACITY` sets the core layer's `capacity` (500 in the runs of bench/README.md §10;
5,000 with `CHANNEL_LAYER=core` now).
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import REDIS_URL, env

LAYER = env("BENCH_CHANNEL_LAYER", default="pubsub")
if LAYER == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "stride:ch"},
        }
    }
elif LAYER == "core":
    # The capacity bounds ONE Redis list per process (all its sockets' messages share it), not
    # one per socket: 500 is a few hundred sockets' backlog.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": 2000,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 5,
                        "health_check_interval": 30,
                    }
                ],
                "capacity": env.int("BENCH_LAYER_CAPACITY", default=500),
                "expiry": 30,
                "prefix": "stride:ch",
            },
        }
    }
else:
    raise ValueError("BENCH_CHANNEL_LAYER is core or pubsub")
assert CHANNEL_LAYERS  # the real services are configured
