"""The jurisdiction walk's world: for a township, one row (or several) of every model in
core.scopes.SCOPES, made the way the services make them where that is short, directly where not.

`world_of(...)` returns {"app.Model": [rows…]}. The walk runs with two of them — the walker's own
(新湖) to open every page, and a foreign one (花桥) whose ids it sends everywhere — and a test
fails when a scoped model has no foreign row, so a model added to SCOPES is walked too.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from tests.benefits.factories import benefits_of
from tests.files import png
from tests.jurisdiction_cases import cases_of
from yizhan.accounts.models import ActiveSession, ApiToken
from yizhan.accounts.roles import Role
from yizhan.accounts.services import create_user, grant_post, issue_device
from yizhan.benefits.models import AllowanceRate, BonusRate
from yizhan.care import services as care_services
from yizhan.care.models import GIFT_PACK_ITEMS, CoverageTally
from yizhan.conscription.models import (
    Campaign,
    Candidate,
    Registration,
    RegistrationYear,
    StageResult,
    TownshipQuota,
    Verification,
)
from yizhan.core.models import PolicyValue
from yizhan.hall import demo as hall_demo
from yizhan.hall import services as hall_services
from yizhan.hall.models import ServiceItem, WindowSignIn
from yizhan.ledgers.models import ExportRun, HouseholdKey, ImportRun, ImportRunRow, MappingTemplate
from yizhan.lifecycle.models import DomainEvent
from yizhan.militia import services as militia_services
from yizhan.people import services
from yizhan.people.models import IdentityKind, IdentityTally, RelationKind
from yizhan.regions.models import Grid, Region
from yizhan.station import services as station_services
from yizhan.veterans.models import (
    AssistanceCase,
    CardStep,
    Checkin,
    EmploymentService,
    PreferentialCard,
    ProfileRecord,
    YearlyConfirmation,
)
from yizhan.worklist.models import TaskKind
from yizhan.worklist.services import ensure_task

DAY = datetime.date(2026, 10, 9)


def world_of(
    *,
    name: str,
    relative_name: str,
    phone: str,
    village: str,
    make_person,
    requester,
    files,
    marker: str,
    amount: str,
) -> dict[str, list]:
    """Every kind of row in `village`'s township. `marker` is written into the region-owned rows'
    free text and `amount` is their rates, so a page that lists them can be caught naming them."""
    township, county = village[:9] + "000", village[:6] + "000000"
    person = make_person(name=name, village=village, born=datetime.date(1990, 2, 3), phone=phone)
    relative = make_person(name=relative_name, village=village, born=datetime.date(1962, 2, 3))
    relation = services.add_relation(actor=None, person=person, relative=relative, kind=RelationKind.PARENT)
    identity = services.grant_identity(
        actor=None, person=person, kind=IdentityKind.VETERAN, since=datetime.date(2020, 1, 1), source="manual"
    )
    document = services.attach_document(
        actor=None,
        person=person,
        kind="photo",
        title="照片",
        content=png(name),
        filename="p.png",
    )
    award = services.add_award(actor=None, person=person, level="third_class", awarded_on=DAY)
    tasks = {
        kind: ensure_task(
            kind=kind, rule=f"test:{kind}", department="joint", due_on=datetime.date(2026, 12, 1),
            region_code=person.region_id, person=person,
        )[0]
        for kind in (TaskKind.PROFILE_RECORD, TaskKind.MERIT_NOTICE, TaskKind.GIFT_PACK, TaskKind.CONDOLENCE_VISIT,
                     TaskKind.DISCHARGE_CHECKIN, TaskKind.FILE_TRANSFER)
    }  # fmt: skip
    event = DomainEvent.objects.create(
        kind="award_recorded", key=f"test:{person.pk}", person=person, region_code=person.region_id,
        occurred_on=DAY,
    )  # fmt: skip
    campaign = Campaign.objects.create(
        county_id=county, year=2026, half="H2", opens_on=datetime.date(2026, 5, 1),
        approval_on=datetime.date(2026, 9, 1), quota=5,
    )  # fmt: skip
    quota = TownshipQuota.objects.create(campaign=campaign, township_id=township, quota=3)
    registration = Registration.objects.create(
        person=person, year=2008, registered_on=datetime.date(2008, 3, 1), kind="initial", conclusion="liable"
    )
    verification = Verification.objects.create(
        registration=registration, year=2026, verified_on=DAY, conclusion="liable"
    )
    candidate = Candidate.objects.create(
        campaign=campaign, person=person, region_code=person.region_id, applied_on=datetime.date(2026, 6, 1),
        stage="prescreen",  # as the result below left him
    )  # fmt: skip
    result = StageResult.objects.create(candidate=candidate, stage="prescreen", passed=True, on=DAY)
    card = PreferentialCard.objects.create(
        person=person, card_type="veteran", photo=document, applicant="本人", accepted_on=DAY
    )
    card_step = CardStep.objects.create(card=card, status=card.status, entered_on=DAY)
    case = AssistanceCase.objects.create(person=person, applied_on=DAY, hardship="因病", description="住院")
    benefits = benefits_of(person)  # also gives him a service record and a household
    service_record = person.service_records.get()
    checkin = Checkin.objects.create(person=person, service_record=service_record, checked_in_on=DAY)
    profile = ProfileRecord.objects.create(person=person, category="transferred_officer", created_on=DAY)
    confirmation = YearlyConfirmation.objects.create(profile=profile, year=2026, confirmed_on=DAY)
    employment = EmploymentService.objects.create(person=person, kind="referral", on=DAY, details="推荐岗位")
    care = care_records(person, award, tasks)
    station = militia_and_station_rows(person, Region.objects.get(code=township), tasks, campaign, marker)
    region = Region.objects.get(code=township)
    run = ImportRun.objects.create(
        kind="people", region=region, file_name="台账.xlsx", source_path=str(files / f"{township}.xlsx"),
        file_sha256="0" * 64, status="done", header_row=1,
    )  # fmt: skip
    run_row = ImportRunRow.objects.create(run=run, row=2, outcome="created", person=person)
    template = MappingTemplate.objects.create(name=f"{marker}模板", kind="people", region=region)
    household_key = HouseholdKey.objects.create(region=region, key=f"{marker}-1", household=person.household)
    (files / f"export-{township}.xlsx").write_bytes(b"PK " + marker.encode())
    export_run = ExportRun.objects.create(
        requested_by=requester, ledger="veterans", title=f"{marker}退役军人花名册", region=region, reason="核对",
        status="done", total=1, done=1, file_path=str(files / f"export-{township}.xlsx"),
    )  # fmt: skip
    # The policies of his county (core.policy): the walker's pages must not list a foreign one.
    allowance_rate = AllowanceRate.objects.create(
        region_code=county, year=2026, annual_amount=Decimal(amount), note=f"{marker}依据"
    )
    bonus_rate = BonusRate.objects.create(
        region_code=county, year=2026, level="third_class", amount=Decimal(amount)
    )
    registration_year = RegistrationYear.objects.create(
        region_code=county, year=2026, window_start=datetime.date(2026, 1, 1),
        window_end=datetime.date(2026, 10, 30),
    )  # fmt: skip
    policy_value = PolicyValue.objects.create(
        name="checkin.days", region_code=county, effective_from=datetime.date(2026, 1, 1), value=int(amount),
        reason=f"{marker}依据",
    )  # fmt: skip
    # The station's staff side: a liaison's account and post, his grid, the hall's screen.
    liaison = create_user(actor=None, username=f"liaison_{village}", display_name="网格员", password="x" * 12)
    post = grant_post(
        actor=None, user=liaison, role=Role.VILLAGE_LIAISON, department="both", region_code=village
    )
    grid = Grid.objects.create(village_id=village, name=f"{marker}网格", liaison=liaison)
    visits = campaign_records(person, township, marker)
    device, _ = issue_device(actor=None, region_code=township, kind="screen", name=f"{marker}叫号屏")
    # Someone signed in at this township (在线用户), as the walker's requester for want of another.
    session = ActiveSession.objects.create(
        session_key=f"walk-{township}", user=requester, region_code=township, user_agent=marker
    )
    # An integration token (administrators' pages only: no township sees any).
    token = ApiToken.objects.create(user=requester, name=f"{marker}对接", key_hash=f"walk-{township}")
    hall = hall_rows(region, person, liaison, county, marker)
    return {
        **hall,
        "accounts.Post": [post],
        "accounts.Device": [device],
        "people.Person": [person, relative],
        "people.Household": [person.household],
        "people.Relation": [relation],
        "people.Identity": [identity],
        # Kept by the database (core/derived.py): the tally row his identity made in his village.
        "people.IdentityTally": list(IdentityTally.objects.filter(region_code=person.region_id)),
        "people.ServiceRecord": [service_record],
        "people.Award": [award],
        "people.Document": [document],
        "regions.Region": [region, Region.objects.get(code=village)],
        "regions.Grid": [grid],
        "audit.AuditEvent": [],  # the services above wrote his trail
        "accounts.ActiveSession": [session],
        "accounts.ApiToken": [token],
        "worklist.Task": [*tasks.values(), benefits["recipient_task"], benefits["plaque_task"]],
        "lifecycle.DomainEvent": [event],
        "care.MeritNoticeDelivery": [care["merit_notice"]],
        "care.GiftPackDelivery": [care["gift_pack"]],
        "care.CondolenceVisit": [care["visit"]],
        "care.VisitCampaign": [visits["campaign"]],
        "care.CampaignGroup": [visits["group"]],
        "care.CampaignRun": [visits["run"]],
        "care.CampaignVisit": [visits["visit"]],
        # Kept by the database (core/derived.py): the coverage tally row his visit made.
        "care.CoverageTally": list(CoverageTally.objects.filter(campaign=visits["campaign"])),
        "care.ContactLog": [visits["contact"]],
        "conscription.RegistrationYear": [registration_year],
        "conscription.Registration": [registration],
        "conscription.Verification": [verification],
        "conscription.Campaign": [campaign],
        "conscription.TownshipQuota": [quota],
        "conscription.Candidate": [candidate],
        "conscription.StageResult": [result],
        "veterans.Checkin": [checkin],
        "veterans.ProfileRecord": [profile],
        "veterans.YearlyConfirmation": [confirmation],
        "veterans.EmploymentService": [employment],
        "veterans.AssistanceCase": [case],
        "veterans.PreferentialCard": [card],
        "veterans.CardStep": [card_step],
        "benefits.AllowanceRate": [allowance_rate],
        "benefits.BonusRate": [bonus_rate],
        "core.PolicyValue": [policy_value],
        "benefits.AllowancePeriod": [benefits["allowance_period"]],
        "benefits.AllowancePayment": [benefits["allowance_payment"]],
        "benefits.PaymentBatch": [benefits["allowance_batch"]],
        "benefits.AllowanceRecipient": [benefits["allowance_recipient"]],
        "benefits.BonusEntitlement": [benefits["bonus"]],
        "benefits.HonorPlaque": [benefits["plaque"]],
        "ledgers.ImportRun": [run],
        "ledgers.ImportRunRow": [run_row],
        "ledgers.MappingTemplate": [template],
        "ledgers.HouseholdKey": [household_key],
        "ledgers.ExportRun": [export_run],
        **cases_of(person, township, requester, DAY),
        **station,
    }


def hall_rows(region, person, clerk, county, marker) -> dict:
    """The hall's windows, a clerk signed in at the 退役 window, his ticket called there and one
    waiting, and the county's own setting of an item (its note carries the marker)."""
    hall_demo.seed_station(region.code)
    card_item = ServiceItem.objects.get(code="YZ-S-03")
    tickets = [
        hall_services.issue_ticket(
            actor=None, station=region, item=card_item, channel="kiosk", id_number=person.id_number
        )
        for _ in range(2)
    ]
    seat = tickets[0].window
    hall_services.sign_in(actor=clerk, window=seat)
    hall_services.call_next(actor=clerk, window=seat)
    override = hall_services.set_override(
        actor=None, item=card_item, region_code=county, offered=True, promised_days=20, visits=None,
        legal_basis="", note=f"{marker}说明", reason="区政府文件",
    )  # fmt: skip
    return {
        "hall.Window": list(region.hall_windows.all()),
        "hall.WindowSignIn": list(WindowSignIn.objects.filter(window__region=region)),
        "hall.Ticket": tickets,
        "hall.ServiceItemOverride": [override],
    }


def care_records(person, award, tasks) -> dict:
    """One 喜报 delivery, one gift pack and one visit, made by the services (each closes its task:
    the walk's work forms then find those tasks done, the same for both townships)."""
    notice = care_services.record_merit_notice(
        actor=None, task=tasks[TaskKind.MERIT_NOTICE], award=award, family_address="曹安路1号", delivered_on=DAY,
        participants="站长", logged_on=DAY, family_signed=True, signer_name="父亲",
    )  # fmt: skip
    pack = care_services.record_gift_pack(
        actor=None, task=tasks[TaskKind.GIFT_PACK], delivered_on=DAY, received_by="父亲",
        items=[key for key, _ in GIFT_PACK_ITEMS], signed=True,
    )  # fmt: skip
    visit = care_services.record_visit(
        actor=None, person=person, reason="spring_festival", visited_on=DAY, participants="站长"
    )
    return {"merit_notice": notice, "gift_pack": pack, "visit": visit}


def campaign_records(person, township: str, marker: str) -> dict:
    """His township's 走访慰问 campaign (he is a veteran: one visit, for his household) and one contact."""
    from yizhan.care.models import CampaignGroup, CampaignRun, CampaignVisit, ContactLog, VisitCampaign

    campaign = VisitCampaign.objects.create(
        name=f"{marker}春节走访", occasion="spring_festival", region_id=township,
        starts_on=datetime.date(2027, 1, 20), ends_on=datetime.date(2027, 2, 10),
    )  # fmt: skip
    group = CampaignGroup.objects.create(campaign=campaign, target="identity:veteran", money=Decimal(100))
    run = CampaignRun.objects.create(campaign=campaign, status="done")
    visit = CampaignVisit.objects.create(
        campaign=campaign, subject_key=f"person:{person.pk}", person=person, target="identity:veteran",
        region_code=person.region_id,
    )  # fmt: skip
    contact = ContactLog.objects.create(
        person=person, region_code=person.region_id, channel="phone", contacted_on=DAY
    )
    return {"campaign": campaign, "group": group, "run": run, "visit": visit, "contact": contact}


def militia_and_station_rows(person, township, tasks, campaign, marker) -> dict:
    """民兵整组 and 应急装备, the station's team, activity (a send-off of the intake), honor roll
    line and archive file with a loan, made by their services. He is 36: on the roster as 连长."""
    unit = militia_services.create_unit(
        actor=None, township=township, name=f"{marker}民兵连", level="company"
    )
    membership = militia_services.join(
        actor=None, person=person, unit=unit, year=2026, category="ordinary", post="commander", joined_on=DAY
    )
    equipment = militia_services.register_equipment(
        actor=None, township=township, item=f"{marker}冲锋舟", quantity=2, unit_of_measure="艘", place="武装部仓库",
        units=[unit],
    )  # fmt: skip
    inspection = militia_services.inspect(
        actor=None, equipment=equipment, inspected_on=DAY, inspector="站长", condition="good", quantity=2
    )
    team = station_services.create_team(
        actor=None, township=township, name=f"{marker}老班长", kind="squad_leaders"
    )
    member = station_services.add_member(actor=None, team=team, person=person, joined_on=DAY)
    hours = station_services.record_hours(
        actor=None, team=team, person=person, served_on=DAY, description="宣讲", hours=Decimal("2.0")
    )
    activity = station_services.create_activity(
        actor=None, township=township, kind="send_off", title=f"{marker}欢送会", held_on=DAY, place="礼堂",
        organiser="both", persons=[person], teams=[team], campaign=campaign, schools=f"{marker}中学",
    )  # fmt: skip
    photo = station_services.add_photo(actor=None, activity=activity, content=png(marker), filename="a.png")
    honor = station_services.add_honor(
        actor=None, person=person, kind="model_veteran", title="模范", consent_on=DAY
    )
    archive = station_services.receive_file(
        actor=None, task=tasks[TaskKind.FILE_TRANSFER], received_on=DAY, sent_by="部队", box="1", shelf="A"
    )
    loan = station_services.lend_file(
        actor=None, archive=archive, borrower="县局", purpose="核对", lent_on=DAY
    )
    return {
        "militia.Unit": [unit],
        "militia.Membership": [membership],
        "militia.Equipment": [equipment],
        "militia.Inspection": [inspection],
        "station.Team": [team],
        "station.TeamMember": [member],
        "station.ServiceHours": [hours],
        "station.JointActivity": [activity],
        "station.ActivitySchool": list(activity.schools.all()),
        "station.ActivityPhoto": [photo],
        "station.HonorEntry": [honor],
        "station.ArchiveFile": [archive],
        "station.ArchiveLoan": [loan],
    }
