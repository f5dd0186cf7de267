from yizhan.accounts.roles import Perm


def shell(request):
    """What the layout needs on every page: the menu areas the user's posts open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu_areas": []}
    return {
        "menu_areas": user.menu_areas,
        "current_post": user.primary_post,
        "can_search": user.can(Perm.VIEW_PEOPLE),
    }
