"""Imported last by the fork server (see ``_PRELOAD`` in :mod:`advisor.check.children`):
freezes what the server has imported out of the garbage collector's sight.

The server's children share those objects copy-on-write, and a full collection would
touch, and so copy, every page of them. The server's own exit skips collecting them too,
and :func:`advisor.check.children.shut_down` waits for that exit. The multiprocessing
fork server runs no code of ours but imports, hence a module whose import does this.
"""

import gc

gc.freeze()
