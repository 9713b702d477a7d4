"""Helpers the tests share, one module per kind: ``api`` (battles over HTTP), ``store``
(reading and shaping a test store), ``providers`` (driving a provider directly), ``rosters``
(registry entries the live app serves), ``pow`` (solving a vote challenge),
``published_shapes`` (the public datasets, written by hand). Browser helpers live in
``tests/browser/support.py``. A test module never imports another test module.
"""
