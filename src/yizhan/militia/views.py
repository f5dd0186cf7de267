"""Thin views over militia.selectors (scoped reads) and militia.services (audited writes)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yizhan.accounts.roles import Perm, require
from yizhan.core.pages import form_page
from yizhan.militia import selectors, services
from yizhan.militia.forms import CarryOverForm, EquipmentForm, InspectionForm, JoinForm, LeaveForm, UnitForm
from yizhan.militia.models import Category
from yizhan.people.selectors import people_visible_to


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else selectors.default_year()
    return year if 2000 <= year <= 2100 else selectors.default_year()


def _township(request: HttpRequest):
    township = selectors.township_for(request.user, request.GET.get("township", ""))
    if township is None:  # a user without a township under him has no militia to see
        raise Http404("未找到")
    return township


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    context.setdefault("townships", selectors.townships_of(request.user))
    return render(request, f"militia/{template}", context)


def _index_url(township, year: int) -> str:
    return f"{reverse('militia:index')}?township={township.code}&year={year}"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    township, year = _township(request), _year(request)
    return _page(
        request, "index.html", township=township, year=year,
        roster=selectors.roster(user=request.user, township=township, year=year),
        left=selectors.left_in(user=request.user, township=township, year=year),
        units=selectors.units_of(request.user, township),
    )  # fmt: skip


@login_required
def candidates(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    township, year = _township(request), _year(request)
    found = selectors.candidates(user=request.user, township=township, year=year)
    return _page(request, "candidates.html", township=township, year=year, candidates=found)


@login_required
def callout(request: HttpRequest) -> HttpResponse:
    """点名召集: the roster with phones masked; each can be revealed (people:reveal, audited)."""
    require(request.user, Perm.VIEW_PEOPLE)
    township, year = _township(request), _year(request)
    roster = selectors.roster(user=request.user, township=township, year=year)
    return _page(
        request, "callout.html", township=township, year=year, roster=roster,
        can_reveal=request.user.can(Perm.REVEAL_PII),
    )  # fmt: skip


@login_required
def unit_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    township, year = _township(request), _year(request)
    form = UnitForm(request.POST or None, units=selectors.units_of(request.user, township))
    return form_page(
        request, form,
        save=lambda data: services.create_unit(actor=request.user, township=township, **data),
        saved=lambda unit: f"已新建{unit}。",
        then=lambda _: redirect(_index_url(township, year)),
        page=lambda form: _page(request, "form.html", form=form, title="新建民兵组织", township=township, year=year),
    )  # fmt: skip


@login_required
def join(request: HttpRequest) -> HttpResponse:
    """编入民兵组织: refused, beside the person, with the reason militia.rules give."""
    require(request.user, Perm.EDIT_PEOPLE)
    township, year = _township(request), _year(request)
    chosen = request.POST.get("person") or request.GET.get("person", "")
    person = people_visible_to(request.user).filter(pk=int(chosen)).first() if chosen.isdigit() else None
    form = JoinForm(
        request.POST or None,
        units=selectors.units_of(request.user, township),
        initial={"joined_on": timezone.localdate(), "person": person.pk if person else None,
                 "category": request.GET.get("category") or Category.ORDINARY},
    )  # fmt: skip

    def save(data):
        if person is None or person.pk != data["person"]:
            raise ValidationError({"person": "请检索并选择人员。"})
        data = {k: v for k, v in data.items() if k != "person"}
        return services.join(actor=request.user, person=person, year=year, **data)

    return form_page(
        request, form, save=save,
        saved=lambda m: f"{m.person.name}已编入{m.year}年度{m.unit.name}（{m.get_category_display()}）。",
        then=lambda _: redirect(_index_url(township, year)),
        page=lambda form: _page(
            request, "join.html", form=form, person=person, township=township, year=year
        ),
    )  # fmt: skip


@login_required
def carry_over(request: HttpRequest) -> HttpResponse:
    """Opening the year's roster from last year's: GET lists who is carried and who is not (with
    the reason); POST carries them and shows who stayed behind and why."""
    require(request.user, Perm.VIEW_PEOPLE)
    township, year = _township(request), _year(request)
    plan = selectors.carry_over(user=request.user, township=township, year=year)
    form = CarryOverForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    context = {"township": township, "year": year, "form": form, "plan": plan, "done": False}
    if request.method == "POST":
        require(request.user, Perm.EDIT_PEOPLE)
        if form.is_valid():
            carried, refused = services.carry_over(
                actor=request.user, township=township,
                memberships=[item.membership for item in plan if not item.reason],
                year=year, joined_on=form.cleaned_data["joined_on"],
            )  # fmt: skip
            left_behind = [selectors.CarryOver(m, r) for m, r in refused] + [i for i in plan if i.reason]
            context.update(done=True, carried=carried, plan=left_behind)
    return _page(request, "carry_over.html", **context)


@login_required
def leave(request: HttpRequest, membership_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    membership = selectors.get_membership(user=request.user, pk=membership_pk)
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    return form_page(
        request, form,
        save=lambda data: services.leave(actor=request.user, membership=membership, **data),
        saved=lambda m: f"{m.person.name}已退出{m.year}年度民兵组织。",
        then=lambda m: redirect(_index_url(m.unit.township, m.year)),
        page=lambda form: _page(
            request, "form.html", form=form, title=f"退出民兵组织：{membership.person.name}",
            township=membership.unit.township, year=membership.year,
        ),
    )  # fmt: skip


@login_required
def equipment(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    township = _township(request)
    items = selectors.equipment_of(request.user, township)
    return _page(request, "equipment.html", township=township, items=items, year=selectors.default_year())


@login_required
def equipment_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    township = _township(request)
    form = EquipmentForm(request.POST or None, units=selectors.units_of(request.user, township))
    back = f"{reverse('militia:equipment')}?township={township.code}"
    return form_page(
        request, form,
        save=lambda data: services.register_equipment(
            actor=request.user, township=township, **{**data, "units": list(data["units"])}
        ),
        saved=lambda item: f"已登记应急装备：{item}。",
        then=lambda _: redirect(back),
        page=lambda form: _page(
            request, "form.html", form=form, title="登记应急装备", township=township, year=selectors.default_year()
        ),
    )  # fmt: skip


@login_required
def equipment_inspect(request: HttpRequest, equipment_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    item = selectors.get_equipment(user=request.user, pk=equipment_pk)
    form = InspectionForm(
        request.POST or None,
        initial={
            "inspected_on": timezone.localdate(),
            "quantity": item.quantity,
            "condition": item.condition,
        },
    )
    back = f"{reverse('militia:equipment')}?township={item.township_id}"
    return form_page(
        request, form,
        save=lambda data: services.inspect(actor=request.user, equipment=item, **data),
        saved=f"已登记检查：{item.item}。",
        then=lambda _: redirect(back),
        page=lambda form: _page(
            request, "form.html", form=form, title=f"装备检查：{item.item}", township=item.township,
            year=selectors.default_year(), inspections=item.inspections.all(),
        ),
    )  # fmt: skip
