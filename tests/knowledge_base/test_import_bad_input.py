"""Files that crashed the importer (issue 15's list) are refused or reported by line — never an
unhandled error (which the editor would answer with a 500)."""

from __future__ import annotations

import json

import pytest

from knowledge_base.faq_input import StoreError
from knowledge_base.files import parse_faqs

GOOD = {"id": "ok-1", "question": "运费谁出", "answer": "卖家", "lang": "zh"}


def test_a_csv_with_a_nul_byte_is_refused():
    data = "id,question,answer,lang\nnul-1,运费\x00谁出,卖家,zh\n".encode()
    with pytest.raises(StoreError) as caught:
        parse_faqs(data, "csv")
    assert caught.value.code == "bad_file"


def test_a_csv_field_over_the_csv_limit_is_refused():
    data = f"id,question,answer,lang\nbig-1,问题,{'长' * 131_073},zh\n".encode()
    with pytest.raises(StoreError) as caught:
        parse_faqs(data, "csv")
    assert caught.value.code == "bad_file"


@pytest.mark.parametrize(
    "bad_line",
    [
        '{"id": "deep", "question": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"id": "num", "question": "q", "answer": ' + "9" * 5000 + "}",
        '{"id": "sur", "question": "\\ud800", "answer": "a", "lang": "zh"}',
    ],
)
def test_bad_jsonl_lines_are_reported_and_the_rest_imported(bad_line: str):
    data = (json.dumps(GOOD, ensure_ascii=False) + "\n" + bad_line + "\n").encode()
    faqs, report = parse_faqs(data, "jsonl")
    assert [f.id for f in faqs] == ["ok-1"]
    assert [e["line"] for e in report.errors] == [2]
