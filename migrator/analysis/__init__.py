"""Questions asked of the loaded sales: purchase history, who bought, what goes together.

    from migrator import analysis

    analysis.purchase_history(url, "000417")         # every purchase of one customer
    analysis.customers_who_bought(url, "トナー")      # who bought it, biggest buyers first
    analysis.also_bought(url, "トナー")               # also bought: support, confidence, lift
    analysis.plot_lift(analysis.also_bought(url, "トナー"))

`migrator purchases`, `migrator buyers` and `migrator recommend` print the same tables.
"""

from migrator.analysis.plots import japanese_font, plot_lift, plot_top_products
from migrator.analysis.queries import (
    also_bought,
    as_text,
    customers_who_bought,
    product_key,
    purchase_history,
    top_products,
)

__all__ = ["also_bought", "as_text", "customers_who_bought", "japanese_font", "plot_lift",
           "plot_top_products", "product_key", "purchase_history", "top_products"]
