"""AG Grid's own words (filter menus, sorting hints read by screen readers, the pager), in the page's language.

AG Grid writes these in English unless it is given ``localeText``; a Norwegian page must not announce
"Press ENTER to sort" to a screen-reader user. The keys are AG Grid's (its English defaults are the message
ids); every table made with dash-ag-grid takes ``grid_texts(lang)``.
"""

from __future__ import annotations

from app.language import N_
from app.language import gettext as _

GRID_TEXTS = {
    # filter menus
    "filterOoo": N_("Filter..."),
    "equals": N_("Equals"),
    "notEqual": N_("Does not equal"),
    "contains": N_("Contains"),
    "notContains": N_("Does not contain"),
    "startsWith": N_("Begins with"),
    "endsWith": N_("Ends with"),
    "blank": N_("Blank"),
    "notBlank": N_("Not blank"),
    "lessThan": N_("Less than"),
    "greaterThan": N_("Greater than"),
    "lessThanOrEqual": N_("Less than or equal to"),
    "greaterThanOrEqual": N_("Greater than or equal to"),
    "inRange": N_("Between"),
    "andCondition": N_("AND"),
    "orCondition": N_("OR"),
    "applyFilter": N_("Apply"),
    "resetFilter": N_("Reset"),
    "clearFilter": N_("Clear"),
    # what a screen reader announces
    "ariaFilterInput": N_("Filter input"),
    "ariaFilterValue": N_("Filter value"),
    "ariaFilterFromValue": N_("Filter from value"),
    "ariaFilterToValue": N_("Filter to value"),
    "ariaFilteringOperator": N_("Filtering operator"),
    "ariaFilterColumn": N_("Press CTRL ENTER to open filter"),
    "ariaFilterMenuOpen": N_("Open filter menu"),
    "ariaColumnFiltered": N_("Column filtered"),
    "ariaLabelColumnFilter": N_("Column filter"),
    "ariaLabelColumnMenu": N_("Column menu"),
    "ariaMenuColumn": N_("Press ALT DOWN to open column menu"),
    "ariaSortableColumn": N_("Press ENTER to sort"),
    "ariaChecked": N_("checked"),
    "ariaUnchecked": N_("unchecked"),
    "ariaIndeterminate": N_("indeterminate"),
    "ariaLabelTooltip": N_("Tooltip"),
    # the pager
    "page": N_("Page"),
    "of": N_("of"),
    "to": N_("to"),
    "firstPage": N_("First page"),
    "lastPage": N_("Last page"),
    "nextPage": N_("Next page"),
    "previousPage": N_("Previous page"),
    "pageSizeSelectorLabel": N_("Page size:"),
    "ariaPageSizeSelectorLabel": N_("Page size"),
    # states
    "noRowsToShow": N_("No rows to show"),
    "loadingOoo": N_("Loading..."),
}


def grid_texts(lang: str, **own: str) -> dict[str, str]:
    """AG Grid's ``localeText`` in ``lang``; ``own`` replaces a key with a page's own message id."""
    return {key: _(text, lang) for key, text in {**GRID_TEXTS, **own}.items()}
