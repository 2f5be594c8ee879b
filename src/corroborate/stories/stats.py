"""Corpus statistics the story index keeps up to date as articles arrive.

Document frequencies of terms and of mention keys (entities, figures, dates)
are counted incrementally, one article at a time, so inverse document
frequencies always reflect everything ingested so far without any batch fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["CorpusStats", "TermVector"]


@dataclass(frozen=True, slots=True)
class TermVector:
    """An article's terms as vocabulary ids with sublinear tf, unit length without idf.

    Compact on purpose (the index keeps one per article): int32 ids, float32
    values; ``counts`` are the weighted counts the vector was made from, so the
    article's terms can be given back (:meth:`CorpusStats.terms_of`).
    """

    ids: np.ndarray  # int32, sorted
    tf: np.ndarray  # float32, (1 + log count) / norm
    counts: np.ndarray  # float32, the weighted counts


@dataclass
class CorpusStats:
    """Vocabulary and document frequencies of terms and mention keys."""

    n_docs: int = 0
    vocab: dict[str, int] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # id -> term
    _df: np.ndarray = field(default_factory=lambda: np.zeros(1024, np.float64))
    # log(df + 1) per term, updated with _df, so an idf lookup is a gather and a subtraction.
    _log_df: np.ndarray = field(default_factory=lambda: np.zeros(1024, np.float64), repr=False)
    _log_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64), repr=False)
    key_ids: dict[str, int] = field(default_factory=dict)  # mention key -> row of key_dfs
    _key_dfs: np.ndarray = field(default_factory=lambda: np.zeros(256, np.int64), repr=False)
    _dense: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64), repr=False)

    def scratch(self) -> np.ndarray:
        """A zeroed float64 row over the vocabulary, for scatter/gather; give it back zeroed."""
        if self._dense.size < self._df.size:
            self._dense = np.zeros(self._df.size, np.float64)
        return self._dense

    def term_vector(self, terms: dict[str, float], grow: bool) -> TermVector:
        """Map weighted counts to a :class:`TermVector`; unknown terms get ids if ``grow``."""
        ids: list[int] = []
        vals: list[float] = []
        counts: list[float] = []
        for term, count in terms.items():
            if count <= 0:
                continue
            tid = self.vocab.get(term)
            if tid is None:
                if not grow:
                    continue
                tid = len(self.vocab)
                self.vocab[term] = tid
                self.words.append(term)
            ids.append(tid)
            counts.append(count)
            vals.append(1.0 + math.log(count) if count >= 1 else count)
        if grow and len(self.vocab) > self._df.size:
            size = max(len(self.vocab), 2 * self._df.size)
            self._df = np.concatenate([self._df, np.zeros(size - self._df.size)])
            self._log_df = np.concatenate([self._log_df, np.zeros(size - self._log_df.size)])
        id_arr = np.asarray(ids, dtype=np.int32)
        tf = np.asarray(vals, dtype=np.float64)
        order = np.argsort(id_arr)
        id_arr, tf = id_arr[order], tf[order]
        norm = float(np.sqrt((tf * tf).sum()))
        unit = tf / norm if norm > 0 else tf
        raw = np.asarray(counts, dtype=np.float32)[order]
        return TermVector(id_arr, unit.astype(np.float32), raw)

    def terms_of(self, vector: TermVector) -> dict[str, float]:
        """The weighted term counts a vector was made from (to float32 precision)."""
        return {
            self.words[i]: float(c)
            for i, c in zip(vector.ids.tolist(), vector.counts.tolist(), strict=True)
        }

    def add_document(self, vector: TermVector, keys: list[str]) -> None:
        """Count one new article's terms and mention keys."""
        self.n_docs += 1
        self._df[vector.ids] += 1.0
        self._log_df[vector.ids] = self.log_counts(self.n_docs)[
            self._df[vector.ids].astype(np.int64)
        ]
        for key in keys:
            kid = self.key_id(key)  # may grow _key_dfs: look the array up after
            self._key_dfs[kid] += 1

    def key_id(self, key: str) -> int:
        """A mention key's row in :meth:`key_dfs` (a new row, df 0, for an unseen key)."""
        kid = self.key_ids.get(key)
        if kid is None:
            kid = self.key_ids[key] = len(self.key_ids)
            if kid >= self._key_dfs.size:
                bigger = np.zeros(2 * self._key_dfs.size, np.int64)
                bigger[: self._key_dfs.size] = self._key_dfs
                self._key_dfs = bigger
        return kid

    def key_dfs(self) -> np.ndarray:
        """Document frequency of every mention key, by :meth:`key_id` (for gathers)."""
        return self._key_dfs

    def log_counts(self, upto: int) -> np.ndarray:
        """``log(c + 1)`` for every count ``c`` from 0 to at least ``upto``, as a table.

        Each value is computed once, with ``math.log``, so an idf is the same
        number whichever path asks for it (numpy's vectorised log may differ in
        the last bit from one array position to another).
        """
        table = self._log_counts
        if table.size <= upto:
            size = max(upto + 1, 2 * table.size, 1024)
            more = [math.log(c + 1.0) for c in range(table.size, size)]
            table = self._log_counts = np.concatenate([table, np.array(more)])
        return table

    def _idf_base(self) -> float:
        return math.log(self.n_docs + 1.0) + 1.0

    def df_idfs(self, dfs: np.ndarray) -> np.ndarray:
        """:meth:`df_idf` of an array of document frequencies (a gather from one table)."""
        if dfs.size == 0:
            return np.zeros(dfs.shape)
        return self._idf_base() - self.log_counts(int(dfs.max()))[dfs]

    def idf(self, ids: np.ndarray) -> np.ndarray:
        """Smoothed idf, log((N + 1) / (df + 1)) + 1, for term ids.

        Computed as log(N + 1) + 1 - log(df + 1), the last term kept per term:
        scoring asks for thousands of idfs per article, and a log each was a
        sixth of the time of comparing an article with its candidates.
        """
        return self._idf_base() - self._log_df[ids]

    def key_idf(self, key: str) -> float:
        """Smoothed idf of a mention key (entity, figure or date)."""
        kid = self.key_ids.get(key)
        return self.df_idf(0 if kid is None else int(self._key_dfs[kid]))

    def df_idf(self, df: int) -> float:
        """Smoothed idf of a mention key seen in ``df`` documents, as :meth:`idf` computes it."""
        return self._idf_base() - float(self.log_counts(df)[df])
