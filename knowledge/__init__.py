"""Knowledge base: notices → clauses → SQLite → search → channel-neutral answers."""
