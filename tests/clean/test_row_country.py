"""A phone is read in its row's country: a Californian row of a Japanese ledger holds a US
number, whatever most rows of the table are."""

from __future__ import annotations

import pandas as pd

from migrator import clean, load_schema
from migrator.tables import RULES, MappedTables


def test_clean_reads_each_phone_in_its_rows_country() -> None:
    frame = pd.DataFrame({
        "customer_code": ["J1", "J2", "J3", "U1", "U2"],
        "name": ["株式会社山田商事", "青空システム株式会社", "桜川物産株式会社", "Acme Inc.",
                 "Blue Harbor LLC"],
        "region": ["東京都", "大阪府", "愛知県", "California", "NY"],
        "country": [None, None, None, None, "US"],
        "phone": ["03-5501-1201", "06-6201-3344", "052-201-7788", "(415) 867-5309",
                  "212.867.5309"],
        "_source_file": "mixed.xlsx", "_source_sheet": "S", "_source_row": [2, 3, 4, 5, 6],
        RULES: 0,
    })
    mapped = MappedTables(schema=load_schema("crm"), frames={"customers": frame},
                          rows_read={"customers": 5}, rules=[{}])
    cleaned = clean(mapped)
    assert cleaned.rejects.empty
    assert cleaned.frames["customers"]["phone"].tolist() == [
        "+81355011201", "+81662013344", "+81522017788", "+14158675309", "+12128675309"]
