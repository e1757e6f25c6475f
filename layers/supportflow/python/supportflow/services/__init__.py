"""Use cases written against ports, one capability per subpackage: each use case takes its
ports as parameters, decides, and returns its side effects as data (the outbox). Each
subpackage's `wiring.py` builds its use cases from the composition root (bootstrap.py)."""
