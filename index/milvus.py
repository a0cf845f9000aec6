"""Passages in Milvus: an embedded milvus-lite file for one machine, or a Milvus server or
cluster shared by replicas; the client and the schema are the same, only the URI changes.

Two collections:

    <prefix>_passages   one row per passage: original text (shown), search terms, language,
                        document, page, aligned counterpart, embedder id, dense vector and the
                        BM25 sparse vector Milvus derives from the terms
    <prefix>_documents  one row per document: source hash, embedder id, passage count

The search terms are ``index.lexical.tokenize`` output (folded to simplified Chinese, width and
case normalised, jieba-segmented, English stemmed) joined by spaces and split on whitespace in
Milvus, so BM25 sees exactly the terms of the embedded store. Install with
``pip install 'zhen[milvus]'``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from index.lexical import quiet_pkg_resources
from index.model import Chunk
from index.store import Index, IndexStoreError
from index.stores import IVF_THRESHOLD, Passage, Ranked, ivf_lists, ivf_nprobe

BATCH = 1000  # milvus-lite stalls on insert batches much over 2,000 rows
MAX_TEXT = 65535  # bytes in a VARCHAR
_REMOTE = ("http://", "https://", "tcp://", "grpc://")
_FIELDS = ["id", "doc_id", "lang", "text", "page", "counterpart"]


def client_uri(uri: str) -> str:
    """What ``MilvusClient`` takes: a server URL as given, ``milvus:///p/zhen.db`` as a path."""
    if uri.startswith("milvus://"):
        path = uri.removeprefix("milvus://")
        if not path or path.endswith("/"):
            raise IndexStoreError(f"{uri}: name a database file, e.g. milvus:///var/zhen/zhen.db")
        return str(Path(path).expanduser())
    return uri


class MilvusStore:
    """The ``Store`` of a library's passages in Milvus, for vectors of one embedder."""

    def __init__(
        self,
        uri: str,
        embedder_id: str,
        dim: int,
        *,
        token: str | None = None,
        prefix: str = "zhen",
        timeout: float = 10.0,
        ivf_threshold: int = IVF_THRESHOLD,
    ) -> None:
        try:
            with quiet_pkg_resources():
                from pymilvus import MilvusClient
        except ImportError as exc:
            raise IndexStoreError(
                f"the Milvus store needs pymilvus: pip install 'zhen[milvus]' ({exc})"
            ) from exc
        self.uri = uri
        self.embedder_id = embedder_id
        self.dim = dim
        self.remote = uri.startswith(_REMOTE)
        self.ivf_threshold = ivf_threshold
        self.ivf_lists = 0  # 0: exact search; read from the collection once it exists
        self._at_most: int | None = None  # passages held, at most
        self.passages_name = f"{prefix}_passages"
        self.documents_name = f"{prefix}_documents"
        # Failures reach users as IndexStoreError; pymilvus's own log lines would repeat them.
        logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
        target = client_uri(uri)
        if not self.remote:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            # milvus-lite aborts when HOME is unset (as under some service managers)
            os.environ.setdefault("HOME", str(Path(target).parent))
        try:
            with quiet_pkg_resources():
                self.client = MilvusClient(uri=target, token=token or "", timeout=timeout)
            self._prepare()
        except IndexStoreError:
            raise
        except Exception as exc:  # connection refused, a locked file, a server error
            raise IndexStoreError(f"cannot open the Milvus store at {uri}: {exc}") from exc

    # the Store protocol

    def documents(self) -> dict[str, str]:
        return self._call(self._documents)

    def _documents(self) -> dict[str, str]:
        # an iterator: a plain query returns at most 16,384 rows
        rows = self.client.query_iterator(
            self.documents_name, batch_size=1000, filter='id != ""', output_fields=["id", "hash"]
        )
        found: dict[str, str] = {}
        try:
            while batch := rows.next():
                found.update((r["id"], r["hash"]) for r in batch)
        finally:
            rows.close()
        return found

    def add(self, doc_id: str, digest: str, part: Index) -> None:
        tokens = part.chunk_tokens or [[] for _ in part.chunks]
        rows = [
            self.row(doc_id, chunk, vector, terms)
            for chunk, vector, terms in zip(part.chunks, part.chunk_vectors, tokens, strict=True)
        ]
        self.remove([doc_id])
        self.add_rows(doc_id, digest, rows)

    def row(self, doc_id: str, chunk: Chunk, vector: np.ndarray, terms: Sequence[str]) -> dict:
        """The row of one passage."""
        return {
            "id": chunk.id,
            "doc_id": doc_id,
            "lang": chunk.lang,
            "text": _clip(chunk.text),
            "terms": _clip(" ".join(terms)),
            "page": -1 if chunk.page is None else int(chunk.page),
            "counterpart": chunk.counterpart_id or "",
            "embedder": self.embedder_id,
            "dense": np.asarray(vector, np.float32).tolist(),
        }

    def add_rows(self, doc_id: str, digest: str, rows: Sequence[dict]) -> None:
        """Insert a document's passage rows (``row``), then list the document."""
        for start in range(0, len(rows), BATCH):
            self._call(self.client.insert, self.passages_name, list(rows[start : start + BATCH]))
        record = {
            "id": doc_id,
            "hash": digest,
            "embedder": self.embedder_id,
            "passages": len(rows),
            "v": [0.0, 0.0],
        }
        # Written last: a document is listed only once all its passages are in.
        self._call(self.client.upsert, self.documents_name, [record])
        self._call(self._fit_index, len(rows))

    def remove(self, doc_ids: Collection[str]) -> None:
        if not doc_ids:
            return
        ids = _literal(list(doc_ids))
        self._call(self.client.delete, self.documents_name, filter=f"id in {ids}")
        self._call(self.client.delete, self.passages_name, filter=f"doc_id in {ids}")

    def dense(self, vector, k, lang=None, documents=None) -> Ranked:
        return self._search(
            np.asarray(vector, np.float32).tolist(), "dense", "IP", k, lang, documents
        )

    def lexical(self, tokens, k, lang=None, documents=None) -> Ranked:
        text = " ".join(dict.fromkeys(t for t in tokens if t.strip()))
        if not text:
            return Ranked.empty()
        return self._search(text, "sparse", "BM25", k, lang, documents)

    def passages(self, ids: Sequence[str]) -> list[Passage]:
        if not ids:
            return []
        rows = self._call(self.client.get, self.passages_name, ids=list(ids), output_fields=_FIELDS)
        by_id = {r["id"]: r for r in rows}
        return [
            Passage(
                r["id"],
                r["doc_id"],
                r["lang"],
                r["text"],
                None if r["page"] < 0 else r["page"],
                r["counterpart"] or None,
            )
            for r in (by_id.get(i) for i in ids)
            if r is not None
        ]

    def stats(self) -> dict:
        return {
            "store": "milvus",
            "uri": self.uri,
            "documents": len(self.documents()),
            "passages": self.count(),
            "embedder": self.embedder_id,
            "dense_index": f"ivf ({self.ivf_lists} lists)" if self.ivf_lists else "exact",
        }

    def count(self) -> int:
        rows = self._call(
            self.client.query, self.passages_name, filter="", output_fields=["count(*)"]
        )
        return int(rows[0]["count(*)"]) if rows else 0

    def close(self) -> None:
        self.client.close()

    # helpers

    def _search(self, data, field, metric, k, lang, documents) -> Ranked:
        if k <= 0 or (documents is not None and not documents):
            return Ranked.empty()
        found = self._call(
            self.client.search,
            self.passages_name,
            data=[data],
            anns_field=field,
            limit=min(k, 16384),
            filter=_where(lang, documents),
            search_params={"metric_type": metric, **self._params(field)},
        )[0]
        return Ranked(
            [h["id"] for h in found], np.array([h["distance"] for h in found], np.float32)
        )

    def _params(self, field: str) -> dict:
        if field == "dense" and self.ivf_lists:
            return {"params": {"nprobe": ivf_nprobe(self.ivf_lists)}}
        return {}

    def _fit_index(self, added: int) -> None:
        """On milvus-lite, switch the dense index from exact to IVF (4·√n lists) once the
        collection passes ``ivf_threshold`` passages, as the in-memory store does; a server
        keeps the ANN index it chose."""
        if self.remote or self.ivf_lists:
            return
        # counted only when an upper bound (deletions lower it) passes the threshold
        self._at_most = (self.count() if self._at_most is None else self._at_most) + added
        if self._at_most <= self.ivf_threshold:
            return
        n = self._at_most = self.count()
        if n <= self.ivf_threshold:
            return
        lists = ivf_lists(n)
        params = self.client.prepare_index_params()
        params.add_index("dense", metric_type="IP", index_type="IVF_FLAT", params={"nlist": lists})
        self.client.release_collection(self.passages_name)
        self.client.drop_index(self.passages_name, "dense")
        self.client.create_index(self.passages_name, params)
        self.client.load_collection(self.passages_name)
        self.ivf_lists = lists

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            raise IndexStoreError(f"the Milvus store at {self.uri} failed: {exc}") from exc

    def _prepare(self) -> None:
        """Create the collections, or check that existing ones hold this embedder's vectors."""
        if self.client.has_collection(self.passages_name):
            self._check()
        else:
            self._create_passages()
        if not self.client.has_collection(self.documents_name):
            self._create_documents()
        self.client.load_collection(self.passages_name)
        self.client.load_collection(self.documents_name)

    def _check(self) -> None:
        dense = self.client.describe_index(self.passages_name, "dense")
        if dense.get("index_type") == "IVF_FLAT":
            self.ivf_lists = int(dense.get("nlist", 0))
        fields = self.client.describe_collection(self.passages_name)["fields"]
        dims = [f.get("params", {}).get("dim") for f in fields if f["name"] == "dense"]
        others = self.client.query(
            self.passages_name,
            filter=f"embedder != {_literal(self.embedder_id)}",
            output_fields=["embedder"],
            limit=1,
        )
        if (dims and int(dims[0]) != self.dim) or others:
            found = others[0]["embedder"] if others else f"{dims[0]} dimensions"
            raise IndexStoreError(
                f"the Milvus store at {self.uri} holds passages embedded with {found}, not "
                f"{self.embedder_id}: point ZHEN_STORE at another database, or drop the "
                f"collection {self.passages_name} and add the documents again"
            )

    def _create_passages(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(auto_id=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
        # Scoping by document: a partition key on a server; milvus-lite 2.5 refuses every
        # filter on a collection that has one, so there it is a plain field.
        schema.add_field("doc_id", DataType.VARCHAR, max_length=512, is_partition_key=self.remote)
        schema.add_field("lang", DataType.VARCHAR, max_length=8)
        schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT)
        schema.add_field(
            "terms",
            DataType.VARCHAR,
            max_length=MAX_TEXT,
            enable_analyzer=True,
            analyzer_params={"tokenizer": "whitespace"},
        )
        schema.add_field("page", DataType.INT64)
        schema.add_field("counterpart", DataType.VARCHAR, max_length=512)
        schema.add_field("embedder", DataType.VARCHAR, max_length=512)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(
                name="terms_bm25",
                function_type=FunctionType.BM25,
                input_field_names=["terms"],
                output_field_names=["sparse"],
            )
        )
        params = self.client.prepare_index_params()
        # milvus-lite offers exact search (and IVF); a server picks its own ANN index.
        params.add_index(
            "dense",
            metric_type="IP",
            index_type="AUTOINDEX" if self.remote else "FLAT",
        )
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        self.client.create_collection(
            self.passages_name, schema=schema, index_params=params, consistency_level="Strong"
        )

    def _create_documents(self) -> None:
        from pymilvus import DataType

        schema = self.client.create_schema(auto_id=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("hash", DataType.VARCHAR, max_length=128)
        schema.add_field("embedder", DataType.VARCHAR, max_length=512)
        schema.add_field("passages", DataType.INT64)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs one vector field
        params = self.client.prepare_index_params()
        params.add_index("v", index_type="FLAT", metric_type="L2")
        self.client.create_collection(
            self.documents_name, schema=schema, index_params=params, consistency_level="Strong"
        )


def _where(lang: str | None, documents: Collection[str] | None) -> str:
    parts = []
    if lang is not None:
        parts.append(f"lang == {_literal(lang)}")
    if documents is not None:
        parts.append(f"doc_id in {_literal(sorted(documents))}")
    return " and ".join(f"({p})" for p in parts)


def _literal(value) -> str:
    """A string or list of strings as a Milvus expression literal."""
    return json.dumps(value, ensure_ascii=False)


def _clip(text: str) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= MAX_TEXT else data[:MAX_TEXT].decode("utf-8", "ignore")
