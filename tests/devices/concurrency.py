"""Two workers asking for a connection's access token at the same moment (the single-flight
refresh tests of every provider suite)."""

import threading

from apps.devices import services


def access_token_from_two_workers(connection_id: int) -> tuple[list[str], list[Exception]]:
    """Both threads call `connection_access_token` behind one barrier, each on its own database
    connection; returns the tokens they got and the errors they raised."""
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        from django.db import connection as conn

        try:
            barrier.wait()
            results.append(services.connection_access_token(connection_id=connection_id))
        except Exception as exc:  # the test asserts there were none
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results, errors
