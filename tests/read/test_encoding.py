"""Encoding detection on the CSV fixtures, csvkit's files, and the traps between them."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from migrator.errors import ReadError
from migrator.read.encoding import EncodingGuess, detect_encoding, japanese_score
from tests.conftest import FIXTURES, SAMPLE_DATA

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


CP932_LINE = "999,株式会社テスト,東京都中央区日本橋1-5-11\r\n".encode("cp932")


@pytest.mark.parametrize("name", ["phones.csv", "amounts.csv", "postal_codes.csv",
                                  "person_names.csv", "emails.csv"])
def test_detect_encoding_utf8_with_a_cp932_line_appended_refused(name: str) -> None:
    """Before, charset-normalizer read these as ptcp154, kz1048 or latin-1: mojibake."""
    data = (FIXTURES / "clean" / name).read_bytes()
    data.decode("utf-8")
    line = data.count(b"\n") + 1
    with pytest.raises(ReadError) as err:
        detect_encoding(data + CP932_LINE, name)
    assert err.value.problem == (
        f"mixes encodings: it reads as UTF-8 up to line {line}, where the bytes are not "
        "UTF-8; save it again in one encoding or pass --encoding to name it")


def damaged_shop_export(lines: list[int]) -> bytes:
    """The sample CP932 export with its first double-byte character on each given line
    (1-based) replaced by a pair CP932 does not define (0x85 0x40)."""
    rows = (SAMPLE_DATA / "shop_export_cp932.csv").read_bytes().split(b"\r\n")
    for n in lines:
        row = bytearray(rows[n - 1])
        at = next(i for i, byte in enumerate(row) if byte >= 0x81)
        row[at : at + 2] = b"\x85\x40"
        rows[n - 1] = bytes(row)
    return b"\r\n".join(rows)


@pytest.mark.parametrize(("lines", "where"), [
    ([2], "line 2"), ([2, 9], "lines 2 and 9"), ([2, 5, 9], "lines 2, 5 and 9"),
    ([2, 3, 5, 9, 11], "lines 2, 3, 5 and 2 more"),
])
def test_detect_encoding_cp932_with_bad_byte_pairs_names_the_lines(lines: list[int],
                                                                   where: str) -> None:
    with pytest.raises(ReadError) as err:
        detect_encoding(damaged_shop_export(lines), "shop.csv")
    assert err.value.problem == (
        f"reads as CP932 except on {where}, where the bytes are not CP932 (damaged, or in "
        "another encoding); fix or remove those lines, or pass --encoding to name the "
        "file's encoding")


def test_detect_encoding_mixed_file_stops_the_run(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Before, charset-normalizer read it as latin-1: mojibake headers (é¡§å®¢...), and
    the run went on with them."""
    from tests.test_bad_input import run_cli

    rows = ["顧客コード,会社名,TEL,メール", *(f"C{i:03d},Blue Harbor {i},03-1234-{i:04d},"
                                          f"info{i}@example.com" for i in range(1, 21))]
    path = tmp_path / "customers.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8") + CP932_LINE)
    db = tmp_path / "out.db"
    code, _, err = run_cli(["run", str(path), "--auto", "--to", f"sqlite:///{db}",
                            "--rejects", str(tmp_path / "rejects")], capsys)
    assert (code, err) == (1, "Error: customers.csv: mixes encodings: it reads as UTF-8 up "
                              "to line 22, where the bytes are not UTF-8; save it again in "
                              "one encoding or pass --encoding to name it\n")
    assert not db.exists()
