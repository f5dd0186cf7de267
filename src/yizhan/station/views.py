"""Thin views over station.selectors (scoped reads) and station.services (audited writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.accounts.devices import device_of, device_required
from yizhan.accounts.models import DeviceKind
from yizhan.accounts.roles import Perm, require
from yizhan.core.forms import add_errors, submit_small_form
from yizhan.core.pages import form_page
from yizhan.militia.selectors import township_for, townships_of
from yizhan.people.selectors import get_person
from yizhan.people.services import read_photo
from yizhan.station import selectors, services
from yizhan.station.forms import (
    ActivityForm,
    ActivityPhotoForm,
    HonorForm,
    HoursForm,
    HouseholdParticipantForm,
    LendForm,
    MemberForm,
    ParticipantForm,
    ReceiveForm,
    ReturnForm,
    SchoolForm,
    TeamForm,
)


def _township(request: HttpRequest):
    township = township_for(request.user, request.GET.get("township", ""))
    if township is None:
        raise Http404("未找到")
    return township


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    context.setdefault("townships", townships_of(request.user))
    return render(request, f"station/{template}", context)


def _form(request, form, *, title, township, save, saved, then, **more) -> HttpResponse:
    return form_page(
        request, form, save=save, saved=saved, then=then,
        page=lambda form: _page(request, "form.html", form=form, title=title, township=township, **more),
    )  # fmt: skip


def _back(name: str, township) -> HttpResponse:
    return redirect(f"{reverse(name)}?township={township.code}")


# --- teams and activities -------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    township = _township(request)
    return _page(
        request, "index.html", township=township, teams=selectors.team_hours(request.user, township),
        activities=selectors.activities_of(request.user, township)[:50],
    )  # fmt: skip


@login_required
def team_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    township = _township(request)
    return _form(
        request, TeamForm(request.POST or None), title="新建服务队伍", township=township,
        save=lambda data: services.create_team(actor=request.user, township=township, **data),
        saved=lambda team: f"已新建{team.name}。",
        then=lambda team: redirect("station:team", team_pk=team.pk),
    )  # fmt: skip


@login_required
def team(request: HttpRequest, team_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    found = selectors.get_team(user=request.user, pk=team_pk)
    people = selectors.member_people(request.user, found)
    hours_form = HoursForm(members=people, initial={"served_on": timezone.localdate()})
    return _page(
        request, "team.html", team=found, township=found.township, members=selectors.members_of(request.user, found),
        hours=selectors.hours_of(request.user, found)[:100], hours_form=hours_form,
        member_form=MemberForm(initial={"joined_on": timezone.localdate()}),
    )  # fmt: skip


@login_required
@require_POST
def team_member_add(request: HttpRequest, team_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    found = selectors.get_team(user=request.user, pk=team_pk)

    def act(data):
        person = get_person(user=request.user, pk=data["member"])
        services.add_member(actor=request.user, team=found, person=person, joined_on=data["joined_on"])

    submit_small_form(request, MemberForm(request.POST), act)
    return redirect("station:team", team_pk=found.pk)


@login_required
@require_POST
def team_hours_add(request: HttpRequest, team_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    found = selectors.get_team(user=request.user, pk=team_pk)
    form = HoursForm(request.POST, members=selectors.member_people(request.user, found))

    def act(data):
        services.record_hours(
            actor=request.user, team=found, person=data["member"], served_on=data["served_on"],
            description=data["description"], hours=data["hours"],
        )  # fmt: skip

    submit_small_form(request, form, act)
    return redirect("station:team", team_pk=found.pk)


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    township = _township(request)
    form = ActivityForm(
        request.POST or None, initial={"held_on": timezone.localdate(), "kind": request.GET.get("kind", "")},
        campaigns=selectors.campaigns_for(request.user, township), teams=selectors.teams_of(request.user, township),
    )  # fmt: skip
    return _form(
        request, form, title="登记联合活动", township=township,
        save=lambda data: services.create_activity(
            actor=request.user, township=township, **{**data, "teams": list(data["teams"])}
        ),
        saved=lambda a: f"已登记活动：{a.title}。",
        then=lambda a: redirect("station:activity", activity_pk=a.pk),
    )  # fmt: skip


def _activity_page(request, activity, *, errors=None, typed=None) -> HttpResponse:
    errors, typed = errors or {}, typed or {}
    packs = [
        (task, typed.get(task.pk, ""), errors.get(f"received_by_{task.pk}", ""))
        for task in selectors.gift_packs_due(request.user, activity)
    ]
    return _page(
        request, "activity.html", activity=activity, township=activity.township,
        participants=selectors.participants_of(request.user, activity),
        households=selectors.participating_households(request.user, activity), teams=activity.teams.all(),
        schools=activity.schools.all(), photos=selectors.photos_of(activity), photo_form=ActivityPhotoForm(),
        recruits=selectors.recruits_of(request.user, activity) if activity.campaign_id else [],
        packs=packs, error=errors.get("__all__", ""),
    )  # fmt: skip


@login_required
def activity(request: HttpRequest, activity_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    return _activity_page(request, selectors.get_activity(user=request.user, pk=activity_pk))


@login_required
@require_POST
def activity_participant_add(request: HttpRequest, activity_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    found = selectors.get_activity(user=request.user, pk=activity_pk)

    def act(data):
        person = get_person(user=request.user, pk=data["member"])
        services.add_participant(actor=request.user, activity=found, person=person)

    submit_small_form(request, ParticipantForm(request.POST), act)
    return redirect("station:activity", activity_pk=found.pk)


@login_required
@require_POST
def activity_household_add(request: HttpRequest, activity_pk: int) -> HttpResponse:
    """A family taking part, picked by any of its members (the one person picker)."""
    require(request.user, Perm.EDIT_PEOPLE)
    found = selectors.get_activity(user=request.user, pk=activity_pk)

    def act(data):
        person = get_person(user=request.user, pk=data["household_member"])
        if person.household is None:
            raise ValidationError(f"{person.name}尚未建户，可作为参加人员添加。")
        services.add_household(actor=request.user, activity=found, household=person.household)

    submit_small_form(request, HouseholdParticipantForm(request.POST), act)
    return redirect("station:activity", activity_pk=found.pk)


@login_required
@require_POST
def activity_school_add(request: HttpRequest, activity_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    found = selectors.get_activity(user=request.user, pk=activity_pk)
    submit_small_form(
        request,
        SchoolForm(request.POST),
        lambda data: services.add_school(actor=request.user, activity=found, name=data["school"]),
    )
    return redirect("station:activity", activity_pk=found.pk)


@login_required
@require_POST
def activity_photo_add(request: HttpRequest, activity_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    found = selectors.get_activity(user=request.user, pk=activity_pk)

    def act(data):
        upload = data["photo"]
        upload.seek(0)  # the image check has read it
        services.add_photo(
            actor=request.user,
            activity=found,
            content=upload.read(),
            filename=upload.name,
            title=data["title"],
        )

    submit_small_form(request, ActivityPhotoForm(request.POST, request.FILES), act)
    return redirect("station:activity", activity_pk=found.pk)


@login_required
def activity_photo(request: HttpRequest, activity_pk: int, photo_pk: int) -> HttpResponse:
    """The photo's bytes for the activity page's <img>, served as the type its bytes were
    checked to be, never sniffed."""
    require(request.user, Perm.VIEW_PEOPLE)
    photo = selectors.get_activity_photo(user=request.user, activity_pk=activity_pk, pk=photo_pk)
    try:
        content = services.read_activity_photo(photo=photo)
    except ValidationError as exc:
        return HttpResponse("；".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = (
        f'inline; filename="activity-{photo.activity_id}-{photo.pk}{photo.path[-4:]}"'
    )
    return response


@login_required
@require_POST
def activity_gift_packs(request: HttpRequest, activity_pk: int) -> HttpResponse:
    """One action at the send-off: every recruit's 入伍礼包 delivered, or none (a name missing)."""
    require(request.user, Perm.EDIT_PEOPLE)
    found = selectors.get_activity(user=request.user, pk=activity_pk)
    tasks = selectors.gift_packs_due(request.user, found)
    typed = {t.pk: request.POST.get(f"received_by_{t.pk}", "") for t in tasks}
    try:
        count = services.deliver_gift_packs(
            actor=request.user,
            activity=found,
            tasks=tasks,
            received_by=typed,
            signed=bool(request.POST.get("signed")),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _activity_page(request, found, errors={k: " ".join(v) for k, v in errors.items()}, typed=typed)
    messages.success(request, f"已在{found.title}上为 {count} 名新兵家庭集中送达入伍礼包。")
    return redirect("station:activity", activity_pk=found.pk)


# --- 荣誉展示 ---------------------------------------------------------------------------------------


@login_required
def honors(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    township = _township(request)
    form = HonorForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Perm.EDIT_PEOPLE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = get_person(user=request.user, pk=data["member"])
                entry = services.add_honor(
                    actor=request.user, person=person, kind=data["kind"], title=data["title"],
                    consent_on=data["consent_on"], photo_consented=data["photo_consented"],
                )  # fmt: skip
            except ValidationError as exc:
                add_errors(form, exc)
            except (Http404, PermissionDenied):
                form.add_error("member", "请检索并选择人员。")
            else:
                messages.success(request, f"已将{entry.person.name}列入荣誉展示。")
                return _back("station:honors", township)
    return _page(request, "honors.html", township=township, form=form,
                 entries=selectors.honors_of(request.user, township))  # fmt: skip


@login_required
@require_POST
def honor_withdraw(request: HttpRequest, honor_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    entry = selectors.get_honor(user=request.user, pk=honor_pk)
    services.withdraw_honor(actor=request.user, entry=entry, on=timezone.localdate())
    messages.success(request, f"已撤回{entry.person.name}的荣誉展示。")
    return redirect(f"{reverse('station:honors')}?township={entry.township_id}")


def _screen_device(request: HttpRequest):
    if request.device.kind != DeviceKind.SCREEN:
        raise Http404("未找到")
    return request.device


@device_required
def honor_screen(request: HttpRequest) -> HttpResponse:
    """The hall screen (典型化带动): name, honor and — only if consented — the photo; nothing else."""
    device = _screen_device(request)
    entries = selectors.honor_roll(device.region_id)
    return render(request, "station/honor_screen.html", {"entries": entries, "region": device.region})


def honor_photo(request: HttpRequest, honor_pk: int) -> HttpResponse:
    # Without a screen's token the photo is missing (404), as any object out of reach is.
    device = device_of(request)
    if device is None or device.kind != DeviceKind.SCREEN:
        raise Http404("未找到")
    entry = selectors.honor_roll(device.region_id).filter(pk=honor_pk, photo_consented=True).first()
    if entry is None or entry.person.photo is None:
        raise Http404("未找到")
    response = HttpResponse(
        read_photo(document=entry.person.photo), content_type=entry.person.photo.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- 档案管理 ---------------------------------------------------------------------------------------


@login_required
def archives(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    township = _township(request)
    return _page(
        request, "archives.html", township=township, files=selectors.archives_of(request.user, township),
        to_receive=selectors.files_to_receive(request.user, township),
    )  # fmt: skip


@login_required
def archive_receive(request: HttpRequest, task_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    task = selectors.get_file_task(user=request.user, pk=task_pk)
    township = township_for(request.user, task.person.region_id[:9] + "000")
    return _form(
        request, ReceiveForm(request.POST or None, initial={"received_on": timezone.localdate()}),
        title=f"档案接收：{task.person.name}", township=township,
        save=lambda data: services.receive_file(actor=request.user, task=task, **data),
        saved=lambda a: f"已接收{a.person.name}的档案，存{a.shelf}架{a.box}盒。",
        then=lambda a: _back("station:archives", township),
    )  # fmt: skip


@login_required
def archive_lend(request: HttpRequest, archive_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    archive = selectors.get_archive(user=request.user, pk=archive_pk)
    township = township_for(request.user, archive.township_id)
    return _form(
        request, LendForm(request.POST or None, initial={"lent_on": timezone.localdate()}),
        title=f"档案借阅：{archive.person.name}", township=township,
        save=lambda data: services.lend_file(actor=request.user, archive=archive, **data),
        saved=lambda loan: f"已登记借出：{loan.borrower}。",
        then=lambda _: _back("station:archives", township),
    )  # fmt: skip


@login_required
def loan_return(request: HttpRequest, loan_pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    loan = selectors.get_loan(user=request.user, pk=loan_pk)
    township = township_for(request.user, loan.archive.township_id)
    return _form(
        request, ReturnForm(request.POST or None, initial={"returned_on": timezone.localdate()}),
        title=f"档案归还：{loan.archive.person.name}", township=township,
        save=lambda data: services.return_file(actor=request.user, loan=loan, **data),
        saved="已登记归还。",
        then=lambda _: _back("station:archives", township),
    )  # fmt: skip
