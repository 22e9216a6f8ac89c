"""Local fake provider servers: real HTTP on 127.0.0.1 (a free port), payloads written from
the providers' documentation, scripted failures (429 with headers, 5xx, not ready yet)."""
