"""Pages of 走访慰问活动 and 常态化联系: the campaigns, a campaign's coverage and households by
grid, the visit form (phone first), and the liaison's week with one-tap contact logging."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from yizhan.accounts.roles import Perm, require
from yizhan.care import campaigns, selectors
from yizhan.care.forms import CampaignForm, CampaignVisitForm, ContactForm
from yizhan.care.models import ContactChannel, VisitStatus
from yizhan.core.pages import form_page
from yizhan.people.selectors import get_person
from yizhan.regions.models import Grid

COVERAGE_TABS = [
    ("township", "按乡镇（街道）"),
    ("village", "按村（社区）"),
    ("grid", "按网格"),
    ("target", "按慰问对象类别"),
]


class CountedPaginator(Paginator):
    """A paginator told its count: the campaign page's coverage total is the number of its
    visits already, and counting them again (through the person join of the scope) doubled
    the page's cost at a county's size."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    page = Paginator(selectors.campaigns_visible_to(request.user), 30).get_page(request.GET.get("page"))
    context = {"page": page, "may_open": bool(campaigns.opening_regions(request.user))}
    return render(request, "care/campaigns.html", context)


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    regions = campaigns.opening_regions(request.user)
    if not regions:
        raise PermissionDenied("只有区县业务主管或部长兼站长可以发起走访慰问活动。")
    by_code = {r.code: r for r in regions}
    form = CampaignForm(request.POST or None, regions=regions)

    def save(data):
        return campaigns.open_campaign(
            actor=request.user, region=by_code[data["region"]], name=data["name"], occasion=data["occasion"],
            starts_on=data["starts_on"], ends_on=data["ends_on"], standards=form.standards(),
        )  # fmt: skip

    return form_page(
        request,
        form,
        save=save,
        saved=lambda c: f"已发起{c.name}。",
        then=lambda c: redirect("care:campaign", campaign_pk=c.pk),
        page=lambda form: render(
            request,
            "care/campaign_form.html",
            {"form": form},
            status=400 if request.method == "POST" else 200,
        ),
    )


@login_required
def campaign(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """Coverage (live) and the households by grid; htmx polls the partial while generating."""
    item = selectors.get_campaign(user=request.user, pk=campaign_pk)
    by = request.GET.get("by", "")
    if by not in selectors.COVERAGE_BY:
        by = selectors.coverage_default(request.user)
    rows = selectors.coverage(user=request.user, campaign=item, by=by)
    total = selectors.total_coverage(rows)
    visits = CountedPaginator(
        selectors.campaign_page_visits(user=request.user, campaign=item), 100, count=total.total
    )
    context = {
        "campaign": item,
        "groups": item.groups.all(),
        "rows": rows,
        "total": total,
        "by": by,
        "tabs": COVERAGE_TABS,
        "run": selectors.latest_run(item),
        "visits": visits.get_page(request.GET.get("page")),
        "may_regenerate": item.region in campaigns.opening_regions(request.user),
        "may_export": request.user.can(Perm.EXPORT),
    }
    template = "care/campaign.html#coverage" if request.htmx else "care/campaign.html"
    return render(request, template, context)


@login_required
def campaign_generate(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """POST: re-run the generation. The campaign is looked up first, so a foreign one answers 404
    to any method, as missing; a GET goes back to the campaign."""
    item = selectors.get_campaign(user=request.user, pk=campaign_pk)
    if request.method != "POST":
        return redirect("care:campaign", campaign_pk=item.pk)
    try:
        run = campaigns.generate_again(actor=request.user, campaign=item)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        done = run.status == "done"
        messages.success(
            request, f"已新增{run.added}户走访对象。" if done else "已提交重新生成，稍后刷新查看。"
        )
    return redirect("care:campaign", campaign_pk=item.pk)


@login_required
def campaign_visit(request: HttpRequest, campaign_visit_pk: int) -> HttpResponse:
    visit = selectors.get_campaign_visit(user=request.user, pk=campaign_visit_pk)
    standard = visit.campaign.groups.filter(target=visit.target).first()
    if visit.status != VisitStatus.DUE:
        return render(request, "care/campaign_visit.html", {"visit": visit, "standard": standard})
    require(request.user, Perm.EDIT_PEOPLE)
    posted = request.method == "POST"
    initial = {"visited_on": timezone.localdate()}
    if standard is not None:
        initial.update(money=standard.money, goods=standard.goods)
    form = CampaignVisitForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )

    def save(data):
        return campaigns.record_campaign_visit(
            actor=request.user, visit=visit, outcome=data["outcome"], visited_on=data["visited_on"],
            participants=data["participants"], money=data["money"] or 0, goods=data["goods"], notes=data["notes"],
            needs=data["needs"], follow_up=data["follow_up"], reason=data["reason"], photo=form.photo_value(),
        )  # fmt: skip

    return form_page(
        request,
        form,
        save=save,
        saved=lambda v: f"已登记：{v.person.name}户{v.get_status_display()}。",
        then=lambda v: redirect("care:campaign", campaign_pk=v.campaign_id),
        page=lambda form: render(
            request,
            "care/campaign_visit.html",
            {"visit": visit, "standard": standard, "form": form},
            status=400 if posted else 200,
        ),
    )


@login_required
def contacts(request: HttpRequest) -> HttpResponse:
    """The liaison's phone page: who is due this week in his grids, with one-tap logging."""
    require(request.user, Perm.VIEW_PEOPLE)
    today = timezone.localdate()
    has_grid = Grid.objects.filter(liaison=request.user).exists()
    village = (
        None
        if has_grid
        else selectors.contact_village(user=request.user, code=request.GET.get("village", ""))
    )
    context = {
        "due": selectors.contacts_due(user=request.user, today=today, village=village),
        "channels": ContactChannel.choices,
        "today": today,
        # Without a grid of his own, a clerk chooses the village whose week he reads.
        "villages": None if has_grid else selectors.contact_villages(request.user),
        "village": village,
    }
    return render(request, "care/contacts.html", context)


@login_required
def contact_log(request: HttpRequest, person_id: int) -> HttpResponse:
    """POST: one tap logs today's contact (a GET goes back to the list, after the scope check)."""
    person = get_person(user=request.user, pk=person_id)
    if request.method != "POST":
        return redirect("care:contacts")
    require(request.user, Perm.EDIT_PEOPLE)
    data = {"contacted_on": timezone.localdate(), **request.POST.dict()}
    form = ContactForm(data)
    if form.is_valid():
        try:
            campaigns.log_contact(
                actor=request.user, person=person, channel=form.cleaned_data["channel"],
                on=form.cleaned_data["contacted_on"], notes=form.cleaned_data["notes"],
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已登记与{person.name}的联系。")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    back = reverse("care:contacts")
    village = request.POST.get("village", "")
    # Back to the village the clerk was working through (a code only: nothing personal in the URL).
    return redirect(f"{back}?village={village}" if village.isdigit() and len(village) == 12 else back)
