"""The public board as a read model: counted votes from the store, fitted by ``ratings``,
assembled into the body ``GET /api/v1/leaderboard`` serves and ``arena leaderboard --db``
prints. It knows nothing of HTTP or of caching: the web keeps one read model per arena
and caches its boards (``web/leaderboard_cache.py``); the CLI builds one and reads once.
"""
