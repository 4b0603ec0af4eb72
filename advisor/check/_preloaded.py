"""Imported last by the fork server (see ``_PRELOAD`` in :mod:`advisor.check.budget`):
freezes what the server has imported out of the garbage collector's sight.

The server's children share those objects copy-on-write, and a full collection would
touch, and so copy, every page of them. The server's own exit, after the caller's, skips
collecting them too (about 0.5 s, which a caller reading the command's output through a
pipe waits for, since the server holds the pipe open until it exits). The multiprocessing
fork server runs no code of ours but imports, hence a module whose import does this.
"""

import gc

gc.freeze()
