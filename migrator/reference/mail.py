"""E-mail domains many people share (free and carrier mail), Japanese and international.

Two addresses at one company's domain (`info@` and `sales@yamada.co.jp`) say the records
are the same company; two at gmail.com say nothing. Matching trusts a shared domain only
when it is not listed here.
"""

from __future__ import annotations

SHARED_DOMAINS: frozenset[str] = frozenset({
    "gmail.com", "googlemail.com", "yahoo.co.jp", "yahoo.com", "ymail.com", "icloud.com",
    "me.com", "mac.com", "outlook.com", "outlook.jp", "hotmail.com", "hotmail.co.jp",
    "live.com", "live.jp", "msn.com", "aol.com", "protonmail.com", "proton.me",
    "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp",
    "ymobile.ne.jp", "disney.ne.jp", "nifty.com", "biglobe.ne.jp", "ocn.ne.jp",
    "so-net.ne.jp", "plala.or.jp", "dion.ne.jp", "excite.co.jp", "infoseek.jp",
    "goo.jp", "mail.goo.ne.jp", "example.com", "example.jp", "example.co.jp",
    "example.org", "example.net",
})
"""Domains shared by unrelated people; the RFC 2606 example domains too (fictional data)."""
