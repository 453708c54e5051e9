"""The FAQ store on real SQL (SQLite, and PostgreSQL when configured): editing, versions,
rollback, diff, and imports that never half-write."""

from __future__ import annotations

import json

import pytest

from kefu.db import make_engine
from knowledge_base.faq_input import StoreError
from knowledge_base.files import dump_faqs, parse_faqs
from knowledge_base.store import FaqStore


@pytest.fixture
def store(database_url: str) -> FaqStore:
    engine = make_engine(database_url)
    yield FaqStore(engine)
    engine.dispose()


def faq(faq_id: str, question: str = "怎么退货", **extra: object) -> dict[str, object]:
    return {
        "id": faq_id,
        "question": question,
        "answer": "在订单里申请售后。",
        "similar_questions": ["退货流程"],
        "category": "returns",
        "lang": "zh",
    } | extra


def test_edit_publish_versions_are_immutable(store: FaqStore) -> None:
    store.create(faq("a"), author="ed")
    store.create(faq("b", "发票怎么开"), author="ed")
    assert store.get("a")["status"] == "draft"
    v1 = store.publish(author="ed", note="first")
    assert v1["version"] == 1 and v1["faq_count"] == 2
    assert store.get("a")["status"] == "published"
    store.update("a", {"answer": "新的答案"}, author="ed2")
    assert store.get("a")["status"] == "draft" and store.get("a")["author"] == "ed2"
    store.archive("b")
    v2 = store.publish(author="ed")
    assert v2["version"] == 2 and v2["faq_count"] == 1
    # version 1 still holds what was published then
    _, old = store.snapshot(1)
    assert {f.id: f.answer for f in old} == {"a": "在订单里申请售后。", "b": "在订单里申请售后。"}
    assert [v["version"] for v in store.versions()] == [2, 1]


def test_rollback_publishes_the_old_content_as_a_new_version(store: FaqStore) -> None:
    store.create(faq("a"))
    store.publish()
    store.update("a", {"question": "改过的问题"})
    store.create(faq("c", "积分怎么用"))
    store.publish()
    v3 = store.rollback(1, author="lead")
    assert v3["version"] == 3 and "rollback to 1" in v3["note"]
    version, faqs = store.snapshot()
    assert version == 3 and [(f.id, f.question) for f in faqs] == [("a", "怎么退货")]
    assert store.get("c")["status"] == "archived"
    assert store.get("a")["status"] == "published"
    with pytest.raises(StoreError) as err:
        store.rollback(99)
    assert err.value.code == "not_found"


def test_diff_between_versions(store: FaqStore) -> None:
    store.create(faq("a"))
    store.create(faq("b", "发票怎么开"))
    store.publish()
    store.update("a", {"similar_questions": ["退货流程", "怎么退回去"]})
    store.archive("b")
    store.create(faq("c", "积分怎么用"))
    store.publish()
    d = store.diff(1, 2)
    assert [x["id"] for x in d["added"]] == ["c"]
    assert [x["id"] for x in d["removed"]] == ["b"]
    assert d["changed"] == [
        {
            "id": "a",
            "fields": {
                "similar_questions": {"old": ["退货流程"], "new": ["退货流程", "怎么退回去"]}
            },
        }
    ]


def test_bad_faqs_are_refused_and_text_is_stored_verbatim(store: FaqStore) -> None:
    for bad, code in [
        ({"id": "", "question": "q", "answer": "a"}, "invalid_faq"),
        (faq("x", ""), "invalid_faq"),
        (faq("x", lang="fr"), "invalid_faq"),
        (faq("x y"), "invalid_faq"),
        (faq("x", answer="a" * 6000), "invalid_faq"),
    ]:
        with pytest.raises(StoreError) as err:
            store.create(bad)
        assert err.value.code == code
    store.create(faq("a"))
    with pytest.raises(StoreError) as err:
        store.create(faq("a"))
    assert err.value.code == "duplicate_id"
    nasty = "'); DROP TABLE kb_faqs; -- <script>alert('x')</script> 😀"
    store.create(faq("sql", nasty, answer=nasty))
    assert store.get("sql")["question"] == nasty and store.get("sql")["answer"] == nasty
    assert len(store.list_faqs()) == 2


def test_import_reports_bad_rows_with_line_numbers_and_keeps_good_ones(store: FaqStore) -> None:
    lines = [
        json.dumps(faq("a"), ensure_ascii=False),
        "{not json",
        json.dumps({"id": "b", "question": "没有答案"}, ensure_ascii=False),
        "",
        json.dumps(faq("c", "积分怎么用"), ensure_ascii=False),
        json.dumps(faq("a", "重复"), ensure_ascii=False),
    ]
    faqs, report = parse_faqs("\n".join(lines).encode(), "jsonl")
    assert [f.id for f in faqs] == ["a", "c"]
    assert [(e["line"], e["code"]) for e in report.errors] == [
        (2, "bad_json"),
        (3, "invalid_faq"),
        (6, "duplicate_id"),
    ]
    assert "line 1" in report.errors[2]["reason"]
    assert store.upsert_many(faqs) == 2
    assert {f["id"] for f in store.list_faqs()} == {"a", "c"}


def test_csv_and_xlsx_round_trip_and_gbk_is_detected(store: FaqStore) -> None:
    store.create(faq("a", similar_questions=["退货流程", "怎么退"]))
    store.create(faq("b", '发票, "抬头" 写错了', category="invoices"))
    original = store.working_faqs()
    for fmt in ("jsonl", "csv", "xlsx"):
        data = dump_faqs(original, fmt)
        back, report = parse_faqs(data, fmt)
        assert report.errors == [] and back == original, fmt
    csv_gbk = dump_faqs(original, "csv").decode("utf-8").encode("gbk")
    back, report = parse_faqs(csv_gbk, "csv")
    assert back == original and report.encoding == "gb18030"


def test_undecodable_file_is_refused_clearly() -> None:
    with pytest.raises(StoreError) as err:
        parse_faqs(bytes(range(128, 256)) * 50 + b"\x00\xff\xfe", "csv")
    assert err.value.code in {"bad_encoding"}
    with pytest.raises(StoreError) as err:
        parse_faqs(b"PK\x03\x04 broken", "xlsx")
    assert err.value.code == "bad_file"


def test_a_failing_import_writes_nothing(store: FaqStore) -> None:
    from collections.abc import Iterator

    from knowledge_base.faq import Faq

    store.create(faq("keep"))

    def rows() -> Iterator[Faq]:
        yield Faq("new1", "怎么退货", "答案")
        yield Faq("keep", "被改掉的问题", "答案")
        raise OSError("disk went away mid-import")

    with pytest.raises(OSError):
        store.upsert_many(rows())
    assert [(f["id"], f["question"]) for f in store.list_faqs()] == [("keep", "怎么退货")]
