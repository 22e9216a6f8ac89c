"""Waffle flags of the promos app. A promotion names its own flag in `Promotion.waffle_flag`
(staff create the flag in the admin); this module only holds the helper names."""

# Owner: promos. Prefix of the flags that gate promotions, e.g. "promos_worn_shoes_de".
# Removal: never (each promotion's flag goes when the promotion ends).
PROMOTION_FLAG_PREFIX = "promos_"
