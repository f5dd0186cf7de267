"""The region tree as the 系统 pages show it: a node's breadcrumbs and children within the
user's reach, for the tree filter of a list and for the picker of a form field."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from yizhan.accounts.models import User
from yizhan.accounts.roles import Perm
from yizhan.regions.models import Region
from yizhan.system.selectors import region_roots, regions_for

# Which reach a picker draws from, by the name the page passes (never a permission from the URL).
REACH = {"accounts": Perm.MANAGE_ACCOUNTS, "devices": Perm.MANAGE_DEVICES, "grids": Perm.MANAGE_GRIDS}


def tree(user: User, perm: str, *, node_code: str = "", query: str = "") -> dict:
    """{node, path, options}: the node (None: the roots), its ancestors the user may open, and the
    regions to show (children of the node, the roots, or the search's matches)."""
    reachable = regions_for(user, perm)
    node = reachable.filter(code=node_code).first() if node_code else None
    roots = region_roots(user, perm)
    if query.strip():
        options = reachable.filter(name__contains=query.strip())[:30]
    elif node is not None:
        options = reachable.filter(parent=node)
    else:
        options = Region.objects.filter(code__in=[r.code for r in roots])
    options = options.annotate(has_children=Exists(Region.objects.filter(parent=OuterRef("pk"))))
    path = []
    if node is not None:
        allowed = set(
            reachable.filter(code__in=[r.code for r in node.ancestors()]).values_list("code", flat=True)
        )
        path = [r for r in node.ancestors() if r.code in allowed] + [node]
    return {"node": node, "path": path, "options": list(options), "query": query}


def picker(
    user: User,
    reach: str,
    *,
    field: str = "region",
    label: str = "区划",
    selected: str = "",
    node: str = "",
    query: str = "",
    errors=(),
) -> dict:
    """The picker's context: opened at the selected region's parent, so a form shown again after
    an error still shows the choice."""
    perm = REACH[reach]
    if selected and not node and not query:
        chosen = regions_for(user, perm).filter(code=selected).first()
        node = chosen.parent_id if chosen is not None and chosen.parent_id else ""
    found = tree(user, perm, node_code=node, query=query)
    if node and found["node"] is None:  # the parent lies above his reach: start at his roots
        found = tree(user, perm, query=query)
    return {
        **found,
        "field": field,
        "reach": reach,
        "label": label,
        "selected": selected,
        "errors": list(errors),
    }
