"""Hot queries compiled by the ORM once per shape, then run again with new words (#16).

Turning a QuerySet into SQL costs far more than running an indexed query (a search's
compile took twice its execution on the 2-core machine: docs/benchmarks.md). `Statements`
builds a QuerySet once per key with a placeholder word, keeps the SQL and the parameters,
and on each call puts the caller's word where the placeholder stood. Only words of ASCII
letters and digits are accepted: they read the same inside a LIKE pattern or a range bound
as alone, so the substitution gives exactly the parameters a fresh compile would. Anything
else, and any shape whose placeholder the compile did not keep as a parameter, is compiled
afresh (`None` from rows(): the caller runs its QuerySet).

The key must name everything the QuerySet depends on besides the word (the user's scope
bounds and rights, the limit): the cache never mixes two users' scopes because their bounds
are in the key."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.db import connections
from django.db.models import QuerySet

PLACEHOLDER = "zqxjzqxj"
_WORD = re.compile(r"[A-Za-z0-9]{1,64}")
_KEPT = 256  # shapes kept per statement (one per scope and limit in practice)


class Statements:
    def __init__(self) -> None:
        self._compiled: OrderedDict[Hashable, tuple[str, str, tuple, int, dict] | None] = OrderedDict()
        self._lock = threading.Lock()

    def rows(self, key: Hashable, word: str, build: Callable[[str], QuerySet]) -> list[tuple] | None:
        """The rows of `build(word)` (a values_list QuerySet), compiled once per `key` by
        calling `build(PLACEHOLDER)`; None when this word or shape cannot be reused."""
        if not _WORD.fullmatch(word):
            return None
        compiled = self._compiled_for(key, build)
        if compiled is None:
            return None
        alias, sql, params, width, converters = compiled
        connection = connections[alias]
        values = [p.replace(PLACEHOLDER, word) if isinstance(p, str) else p for p in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            rows = [row[:width] for row in cursor.fetchall()]
        if not converters:
            return rows
        converted = []
        for row in rows:  # as the compiler's apply_converters does (SQLite's dates, for one)
            row = list(row)
            for position, (functions, expression) in converters.items():
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            converted.append(tuple(row))
        return converted

    def _compiled_for(
        self, key: Hashable, build: Callable[[str], QuerySet]
    ) -> tuple[str, str, tuple, int, dict] | None:
        with self._lock:
            if key in self._compiled:
                self._compiled.move_to_end(key)
                return self._compiled[key]
        queryset = build(PLACEHOLDER)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        usable = PLACEHOLDER not in sql and any(isinstance(p, str) and PLACEHOLDER in p for p in params)
        width = compiler.col_count
        converters = compiler.get_converters([column for column, _, _ in compiler.select[:width]])
        compiled = (queryset.db, sql, tuple(params), width, converters) if usable else None
        with self._lock:
            self._compiled[key] = compiled
            while len(self._compiled) > _KEPT:
                self._compiled.popitem(last=False)
        return compiled
