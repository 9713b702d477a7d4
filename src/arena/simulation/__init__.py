"""Offline experiments with known truths: sampling policies and vote-rigging attacks.

Nothing here runs while the server serves battles. ``arena simulate`` drives these
modules; they may use the real battle path (:mod:`arena.battles`), the integrity
defences (:mod:`arena.integrity`) and the ratings engine (:mod:`arena.ratings`) on a
throwaway store, so what they measure is what the server does. Layer: above
``battles``, beside ``web``; only ``cli`` (and the benchmarks) import it.
"""
