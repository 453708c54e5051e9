"""Retrieval quality and behaviour with the packaged multilingual encoder."""

from __future__ import annotations

import pytest

from knowledge_base.encoders import Encoder, make_encoder
from knowledge_base.evaluate import evaluate
from knowledge_base.faq import Faq, load_queries
from knowledge_base.retriever import RetrievalConfig, Retriever
from tests.knowledge_base.conftest import DATA


@pytest.fixture(scope="module")
def full(demo_faqs: list[Faq], encoder: Encoder) -> Retriever:
    return Retriever.build(demo_faqs, encoder, RetrievalConfig(method="full"))


def test_learned_layer_beats_the_encoder_alone_on_held_out_questions(
    demo_faqs: list[Faq], encoder: Encoder
) -> None:
    queries = load_queries(DATA / "queries_zh.jsonl")
    dense = evaluate(demo_faqs, queries, encoder, RetrievalConfig(method="dense"))
    full = evaluate(demo_faqs, queries, encoder, RetrievalConfig(method="full"))
    assert full["queries"] == len(queries) >= 200
    assert full["recall_at_1"] >= 0.85 and full["recall_at_5"] >= 0.97
    assert full["recall_at_1"] > dense["recall_at_1"]
    assert full["encoder"] == "use-m3"


def test_top_hit_for_typical_questions(full: Retriever) -> None:
    assert full.search("运费险怎么理赔", "zh")[0].faq_id == "ins-002"
    assert full.search("钱被扣了两次", "zh")[0].faq_id == "pay-003"


def test_traditional_input_matches_simplified_faqs(full: Retriever) -> None:
    hits = full.search("退貨要怎麼操作", None, k=3)
    assert hits[0].faq_id == "ret-003"


def test_language_aware_ranking(full: Retriever) -> None:
    zh = full.search("可以开发票吗", "zh", k=5)
    en = full.search("Can I get an invoice for my order?", "en", k=5)
    assert all(not h.faq_id.endswith("-en") for h in zh)
    assert all(h.faq_id.endswith("-en") for h in en)
    assert en[0].faq_id == "inv-001-en"
    # language detected from the text when the caller does not say
    assert full.search("How long is the warranty?", None)[0].faq_id == "war-001-en"


def test_a_misspelt_shop_word_finds_the_same_faq(full: Retriever) -> None:
    """The FAQ a customer means is found whether they type the shop word right or wrong
    (without ``TYPOS`` "发漂可以开公司抬头吗" scored 0.21; spelt right, 0.92)."""
    for typed, spelt in [
        ("发漂可以开公司抬头吗", "发票可以开公司抬头吗"),
        ("运废谁出", "运费谁出"),
        ("can i cancle my order", "can i cancel my order"),
    ]:
        wrong, right = full.search(typed, None)[0], full.search(spelt, None)[0]
        assert wrong.faq_id == right.faq_id and wrong.score >= full.thresholds.confident, typed


def test_scores_are_calibrated(full: Retriever) -> None:
    t = full.thresholds
    assert 0 < t.choose < t.confident <= 1
    sure = full.search("支持七天无理由退货吗", "zh")[0]
    assert sure.faq_id == "ret-001" and sure.score >= t.confident
    off_topic = full.search("帮我推荐一首好听的歌", "zh")
    assert not off_topic or off_topic[0].score < t.choose
    scores = [h.score for h in full.search("退款多久到账", "zh", k=5)]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "😀😀😀",
        "退货" * 5000,
        "x" * 10_000,
        "我想return这个order可以吗😊",
        "'; DROP TABLE kb_faqs; --",
        "<script>alert(1)</script>",
        "\x00\x01",
    ],
)
def test_bad_queries_get_an_answer_not_a_crash(full: Retriever, query: str) -> None:
    hits = full.search(query, None, k=5)
    assert len(hits) <= 5
    assert all(0 <= h.score <= 1 for h in hits)
    if not query.strip() or query.strip("😀") == "":
        assert hits == []


def test_k_bounds(full: Retriever) -> None:
    assert full.search("退货", "zh", k=0) == []
    assert len(full.search("退货", "zh", k=3)) == 3


def test_exact_hnsw_and_ivf_indexes_agree(small_faqs: list[Faq], encoder: Encoder) -> None:
    exact = Retriever.build(small_faqs, encoder, RetrievalConfig(method="fusion"))
    hnsw = Retriever.build(small_faqs, encoder, RetrievalConfig(method="fusion", exact_max_rows=1))
    ivf = Retriever.build(
        small_faqs,
        encoder,
        RetrievalConfig(method="fusion", exact_max_rows=1, ann="ivf", ivf_probe=64),
    )
    bounded = Retriever.build(  # the large-scale lexical path: rarest n-grams only
        small_faqs, encoder, RetrievalConfig(method="fusion", lexical_exact_rows=0)
    )
    assert type(exact.indexes["zh"].index).__name__ == "IndexFlatIP"
    assert type(hnsw.indexes["zh"].index).__name__ == "IndexHNSWFlat"
    assert type(ivf.indexes["zh"].index).__name__ == "IndexIVFFlat"
    for q in ("退货运费谁出", "发票怎么开", "积分会过期吗"):
        best = exact.search(q, "zh")[0].faq_id
        assert hnsw.search(q, "zh")[0].faq_id == best
        assert ivf.search(q, "zh")[0].faq_id == best
        assert bounded.search(q, "zh")[0].faq_id == best


def test_unknown_encoder_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown encoder"):
        make_encoder("no-such-encoder")


def test_sentence_transformers_model_loads_from_a_path(tmp_path, small_faqs) -> None:  # type: ignore[no-untyped-def]
    """The configuration path for deployment models: a sentence-transformers model saved on
    disk (built here from a word-level tokenizer, since no hub is reachable) is loaded by
    ``make_encoder`` and drives retrieval."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, pre_tokenizers
    from tokenizers.models import WordLevel

    chars = sorted({c for f in small_faqs for t in f.texts for c in t} | {"[UNK]"})
    tokenizer = Tokenizer(WordLevel({c: i for i, c in enumerate(chars)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_dim=64)])
    model.save(str(tmp_path / "tiny"))
    encoder = make_encoder(f"st:{tmp_path / 'tiny'}")
    assert encoder.dim == 64 and encoder.name.startswith("st:")
    vectors = encoder.encode(["退货", "发票"])
    assert vectors.shape == (2, 64)
    retriever = Retriever.build(small_faqs, encoder, RetrievalConfig(method="fusion"))
    faq = next(f for f in small_faqs if f.lang == "zh")
    assert retriever.search(faq.question, "zh")[0].faq_id == faq.id


def test_word_channel_adds_jieba_words_to_the_lexical_space(
    small_faqs: list[Faq], encoder: Encoder
) -> None:
    """``lexical_word_weight`` > 0 puts jieba words (with the shop dictionary) beside the
    character n-grams; the query vector lives in the same space as the index rows."""
    from knowledge_base.lexical import words
    from knowledge_base.text import normalise

    assert "运费险" in words("退货运费险怎么赔")  # a shop word stays one word
    plain = Retriever.build(small_faqs, encoder, RetrievalConfig(method="fusion"))
    both = Retriever.build(
        small_faqs, encoder, RetrievalConfig(method="fusion", lexical_word_weight=0.5)
    )
    p_ix, b_ix = plain.indexes["zh"], both.indexes["zh"]
    assert len(b_ix.lex_parts) == 2 and b_ix.lex_width > p_ix.lex_width
    row = b_ix.lexical_vector(normalise(b_ix.faqs[0].question))
    assert row.shape == (1, b_ix.lex_width) and row.indices.max() >= p_ix.lex_width
    # a text's own row is its best lexical match in the combined space too
    own = (b_ix.lex_rows @ row.T).toarray().ravel()
    assert b_ix.row_faq[int(own.argmax())] == 0
