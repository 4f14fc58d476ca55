"""Encoding detection on the CSV fixtures, csvkit's files, and the traps between them."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from migrator.errors import ReadError
from migrator.read.encoding import EncodingGuess, detect_encoding, japanese_score
from tests.conftest import FIXTURES

READ = FIXTURES / "read"


@pytest.mark.parametrize(("name", "expected"), [
    ("cp932_short.csv", EncodingGuess("cp932", False, 1.0, "japanese-heuristic")),
    ("eucjp_short.csv", EncodingGuess("euc_jp", False, 1.0, "japanese-heuristic")),
    ("cp932_hankaku_kana.csv", EncodingGuess("cp932", False, 1.0, "japanese-heuristic")),
    ("cp932_hankaku_only.csv", EncodingGuess("cp932", False, 1.0, "japanese-heuristic")),
    ("eucjp_hankaku_only.csv", EncodingGuess("euc_jp", False, 1.0, "japanese-heuristic")),
    ("utf8_bom.csv", EncodingGuess("utf-8-sig", True, 1.0, "bom")),
    ("utf16_bom_tab.tsv", EncodingGuess("utf-16", True, 1.0, "bom")),
    ("semicolon_quoted_cp1252.csv", EncodingGuess("cp1252", False, 1.0, "charset-normalizer")),
    ("pipe_delimited.txt", EncodingGuess("utf-8", False, 1.0, "utf-8")),
    ("mixed_line_endings.csv", EncodingGuess("utf-8", False, 1.0, "utf-8")),
    ("leading_zero_codes.csv", EncodingGuess("utf-8", False, 1.0, "utf-8")),
], ids=str)
def test_detect_encoding_fixture(name: str, expected: EncodingGuess) -> None:
    assert detect_encoding((READ / name).read_bytes()) == expected


@pytest.mark.parametrize(("name", "codec", "method"), [
    ("test_utf8_bom.csv", "utf-8-sig", "bom"),
    ("test_latin1.csv", "latin-1", "latin-fallback"),
    ("test_utf16_little.csv", "utf-16", "bom"),
    ("mac_newlines.csv", "utf-8", "utf-8"),
    ("bad.csv", "utf-8", "utf-8"),
    ("test_skip_lines.csv", "utf-8", "utf-8"),
    ("test_no_leading_zeroes.csv", "utf-8", "utf-8"),
    ("test_empty_columns.csv", "utf-8", "utf-8"),
], ids=str)
def test_detect_encoding_wild_csvkit(wild: Path, name: str, codec: str, method: str) -> None:
    guess = detect_encoding((wild / "csvkit" / name).read_bytes())
    assert (guess.name, guess.method) == (codec, method)


def test_detect_encoding_latin1_trap_is_not_cp932(wild: Path) -> None:
    data = (wild / "csvkit/test_latin1.csv").read_bytes()
    assert data.decode("cp932").endswith("ｩ")  # the trap: it decodes as CP932 too
    assert data.decode(detect_encoding(data).name).endswith("4,5,©")


def test_detect_encoding_undecodable_fixture_refused() -> None:
    data = (READ / "undecodable_binary.csv").read_bytes()
    with pytest.raises(ReadError) as err:
        detect_encoding(data, "undecodable_binary.csv")
    assert str(err.value) == (
        "undecodable_binary.csv: could not be decoded as text in any known encoding "
        "(tried UTF-8, CP932, EUC-JP, Latin-1); pass --encoding to name it")


def test_detect_encoding_utf16_without_bom_refused() -> None:
    data = "顧客コード,会社名\r\nC0001,Blue Harbor\r\n".encode("utf-16-le")
    with pytest.raises(ReadError) as err:
        detect_encoding(data)
    assert str(err.value).startswith("the data: could not be decoded as text")


@pytest.mark.parametrize(("data", "codec"), [
    (codecs.BOM_UTF32_LE + "a,b\n".encode("utf-32-le"), "utf-32"),
    (codecs.BOM_UTF16_BE + "a,b\n".encode("utf-16-be"), "utf-16"),
    ("会社名,TEL\n".encode("iso2022_jp"), "iso2022_jp"),
    (b"code,name\nC1,plain ASCII\n", "utf-8"),
    (b"a,b\n1,x\x00y\n", "utf-8"),
    ("Preis;Firma\n10 \u20ac;M\u00fcller\n".encode("cp1252"), "cp1252"),
], ids=["utf32-bom", "utf16-be-bom", "iso2022jp", "ascii", "one-nul", "cp1252-euro"])
def test_detect_encoding_kinds(data: bytes, codec: str) -> None:
    assert detect_encoding(data).name == codec


def test_detect_encoding_both_japanese_decodings_pick_the_japanese_one() -> None:
    text = "担当者,会社名\r\n高橋　太郎,有限会社福岡物産\r\n"
    data = text.encode("euc_jp")
    data.decode("cp932")  # decodes as CP932 too, as half-width kana
    assert detect_encoding(data).name == "euc_jp"


@pytest.mark.parametrize("codec", ["cp932", "euc_jp"])
def test_detect_encoding_japanese_symbols_count_for(codec: str) -> None:
    data = "ID,DM,メール\n1,○,×\n2,×,○\n3,○,○\n4,※,○\n".encode(codec)
    assert detect_encoding(data).name == codec


@pytest.mark.parametrize(("text", "low", "high"), [
    ("株式会社山田商事,さくら,ヤマダ", 0.99, 1.0),
    ("ﾐﾄﾞﾘﾃﾞﾝｷ,ｶﾌﾞｼｷｶﾞｲｼｬ", 0.99, 1.0),
    ("4,5,ｩ", -2.0, -1.0),
    ("Caｱfe", -2.0, -2.0),
    ("ｸﾜｵﾒ･ｳ｡ｼ･ﾉ,ｲ\ue137ﾒﾌｾ", -1.0, 0.5),
    ("a,b", 0.0, 0.0),
], ids=["kanji-kana", "hankaku-words", "lone-small-hankaku", "lone-hankaku", "eucjp-as-cp932",
        "ascii"])
def test_japanese_score_range(text: str, low: float, high: float) -> None:
    assert low <= japanese_score(text) <= high
