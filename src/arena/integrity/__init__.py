"""Vote integrity: whether a vote counts, decided below the battle that collected it.

What this package guarantees:

- A vote is never lost and never edited here. Every check either passes a vote or keeps
  it *off the board* with a reason a person can read: a flag on the vote (``validity``:
  a side named its own model, ``identity``/``model_families``; the vote came faster than
  anyone could read), a flag on the identity that cast it (``anomaly_scan``,
  ``rigging_scan``), or a hold on a new identity until it matures (``trust``). Each
  decision is reversible by a reviewer (``arena votes review``).
- A prompt is checked before any model sees it (``moderation``), and a vote can be made
  to cost work that grows for identities that look automated (``pow``); neither names a
  model, so the anonymity of a battle survives them.
- How well the identity-leak check works is measured on a labelled set that ships with
  Arena (``leak_eval`` and ``leak_eval_set.jsonl``: ``arena votes leak-eval``).

Layer: below ``battles`` (which asks these modules about each vote) and above ``store``
and ``ratings`` (which it reads and writes through). It knows nothing of the web.
The offline rigging experiments that measure these defences live in
:mod:`arena.simulation`.
"""
