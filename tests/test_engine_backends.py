"""The backends under engine.Snapshot: both engines, built from the same bulletins, hand the layer
above the same sections, texts, dates, facet values and postings; Whoosh's fast scoring path gives
exactly the scores Whoosh's own search does."""
from __future__ import annotations

import pytest

from indexer.search import backends, store
from indexer.search.indexing import index_paths
from tests.samples import parse_sample, write_samples

WORDS = ["上门", "服务", "应急", "窗口", "办理", "套餐", "不在索引里的词"]
GRAMS = ["上门", "服务", "应急", "窗口", "金丝", "厅长"]


@pytest.fixture(scope="module")
def generations(tmp_path_factory):
    root = tmp_path_factory.mktemp("backends")
    write_samples(root / "docs")
    out = {}
    for engine in backends.ENGINES:
        index_paths([str(root / "docs")], root / engine, parse=parse_sample, engine_name=engine)
        out[engine] = store.live_generation(root / engine)
    return out


def _view(reader) -> dict:
    """Everything the layer above reads, keyed by section id instead of document number."""
    live = reader.live_docs()
    ids = {d: p["section_id"] for d, p in zip(live, reader.payloads(live))}

    def named(docs):
        return sorted(ids[d] for d in docs if d in ids)

    return {
        "sections": sorted(ids.values()),
        "issues": reader.issue_ids(),
        "issue_totals": {t: named(reader.postings("issue_total", t)) for t in ("415", "-", "9999")},
        "words": sorted(reader.terms("words")),
        "texts": {ids[d]: t for d, t in zip(live, reader.texts(live))},
        "orders": {ids[d]: o for d, o in zip(live, reader.orders(live))},
        "facets": {f: {v: named(docs) for v, docs in reader.facet_postings(f).items() if named(docs)}
                   for f in ("year", "kind", "type", "departments", "lead_department")},
        "grams": {g: (reader.doc_frequency("bigrams", g), named(reader.postings("bigrams", g)))
                  for g in GRAMS},
        "scored": {w: named(_scored(reader, w)) for w in WORDS},
    }


def _scored(reader, word):
    from array import array

    return reader.term_scores(word, array("d", bytes(8 * reader.doc_count_all)))


def test_both_engines_hand_the_layer_above_the_same_index(generations):
    views = {}
    for engine, gen in generations.items():
        reader = backends.load(engine).open_reader(gen)
        try:
            views[engine] = _view(reader)
        finally:
            reader.close()
    whoosh = views["whoosh"]
    assert whoosh["sections"] and whoosh["grams"]["上门"][1] and whoosh["scored"]["服务"]
    assert whoosh["issue_totals"]["415"] and whoosh["words"] and whoosh["facets"]["lead_department"]
    for engine, view in views.items():
        assert view == whoosh, engine


def test_whoosh_term_scores_are_the_scores_of_whooshs_own_search(generations):
    from array import array

    module = backends.load("whoosh")
    reader = module.open_reader(generations["whoosh"])
    try:
        checked = 0
        for word in WORDS:
            scores = array("d", bytes(8 * reader.doc_count_all))
            docs = reader.term_scores(word, scores)
            hits = reader.searcher.search(module.Q.Term("words", word), limit=None)
            assert sorted(docs) == sorted(h.docnum for h in hits)
            for hit in hits:
                assert scores[hit.docnum] == hit.score  # exactly: the same float operations
                checked += 1
        assert checked > 5
    finally:
        reader.close()
