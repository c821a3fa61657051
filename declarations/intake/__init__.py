"""Text in: a declaration's text becomes clauses and instruments, a status file becomes
status entries. `parsing` reads text without Django; the importers write it in one
transaction."""
