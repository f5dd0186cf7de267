"""The audited-once table (test_audited_once.py) for the station's own writes: teams, joint
activities, the honor roll and the archive (station), the militia, the region list, two-factor
login and the 系统 log exports. Each call leaves the rows named, once each."""

from __future__ import annotations

import datetime
from decimal import Decimal

from tests.files import png
from tests.otp import code_for_key
from yizhan.regions.models import Region

D = datetime.date
XINHU = "371402001000"


def test_the_stations_teams_activities_honors_and_archive_are_audited_once_each(
    persona, make_person, steps, _private_data_dir
):
    from yizhan.people.services import attach_document, create_household
    from yizhan.station import services
    from yizhan.worklist.models import TaskKind
    from yizhan.worklist.services import ensure_task

    head = persona("xinhu_head")
    xinhu = Region.objects.get(code=XINHU)
    veteran = make_person(name="魏老班长", born=D(1968, 1, 1))
    team = steps.run(
        "create_team", {"station.team.create": 1},
        lambda: services.create_team(actor=head, township=xinhu, name="老班长服务队", kind="squad_leaders"),
    )  # fmt: skip
    steps.run(
        "add_member", {"station.team.join": 1},
        lambda: services.add_member(actor=head, team=team, person=veteran, joined_on=D(2026, 11, 2)),
    )  # fmt: skip
    steps.run(
        "record_hours", {"station.hours.record": 1},
        lambda: services.record_hours(
            actor=head, team=team, person=veteran, served_on=D(2026, 11, 2), description="国防教育宣讲",
            hours=Decimal("2.5"),
        ),
    )  # fmt: skip
    activity = steps.run(
        "create_activity", {"station.activity.create": 1},
        lambda: services.create_activity(
            actor=head, township=xinhu, kind="national_defense", title="国防教育进校园", held_on=D(2026, 11, 3),
            place="新湖中学", organiser="armed_forces", persons=[veteran], teams=[team],
        ),
    )  # fmt: skip
    steps.run(
        "add_school", {"station.activity.school": 1},
        lambda: services.add_school(actor=head, activity=activity, name="新湖小学"),
    )  # fmt: skip
    family = make_person(name="韩军属", born=D(1970, 3, 1))
    household = create_household(actor=None, region=family.region, members=[family], head=family)
    steps.run(
        "add_household", {"station.activity.household": 1},
        lambda: services.add_household(actor=head, activity=activity, household=household),
    )  # fmt: skip
    steps.run(
        "add_photo", {"station.activity.photo": 1},
        lambda: services.add_photo(
            actor=head, activity=activity, content=png("国防教育"), filename="a.png", title="合影"
        ),
    )  # fmt: skip
    steps.run(
        "add_participant", {"station.activity.join": 1},
        lambda: services.add_participant(actor=head, activity=activity, person=family),
    )  # fmt: skip
    attach_document(
        actor=None, person=veteran, kind="photo", title="照片", content=png("魏"), filename="p.png"
    )
    entry = steps.run(
        "add_honor", {"station.honor.add": 1},
        lambda: services.add_honor(
            actor=head, person=veteran, kind="model_veteran", title="全国模范退役军人", consent_on=D(2026, 11, 2),
            photo_consented=True,
        ),
    )  # fmt: skip
    steps.run(
        "withdraw_honor", {"station.honor.withdraw": 1},
        lambda: services.withdraw_honor(actor=head, entry=entry, on=D(2026, 11, 5)),
    )  # fmt: skip
    task, _ = ensure_task(
        kind=TaskKind.FILE_TRANSFER, rule="test:file", department="veterans", due_on=D(2026, 12, 1),
        region_code=veteran.region_id, person=veteran,
    )  # fmt: skip
    archive = steps.run(
        "receive_file", {"station.archive.receive": 1, "task.complete": 1},
        lambda: services.receive_file(
            actor=head, task=task, received_on=D(2026, 11, 2), sent_by="某部队干部处", box="017", shelf="A3",
        ),
    )  # fmt: skip
    loan = steps.run(
        "lend_file", {"station.archive.lend": 1},
        lambda: services.lend_file(actor=head, archive=archive, borrower="县退役军人事务局", purpose="查阅",
                                   lent_on=D(2026, 11, 3)),
    )  # fmt: skip
    steps.run(
        "return_file", {"station.archive.return": 1},
        lambda: services.return_file(actor=head, loan=loan, returned_on=D(2026, 11, 4)),
    )  # fmt: skip
    steps.check()


def test_the_militias_writes_are_audited_once_each(persona, make_person, steps, today_is):
    from yizhan.militia import services

    today_is(D(2026, 12, 1))
    head = persona("xinhu_head")
    xinhu = Region.objects.get(code=XINHU)
    company = steps.run(
        "create_unit", {"militia.unit.create": 1},
        lambda: services.create_unit(actor=head, township=xinhu, name="新湖街道民兵连", level="company"),
    )  # fmt: skip
    young = make_person(name="青年甲", born=D(2004, 6, 1))
    last_year = steps.run(
        "join", {"militia.join": 1, "person.identity.grant": 1},
        lambda: services.join(
            actor=head, person=young, unit=company, year=2026, category="ordinary", joined_on=D(2026, 1, 5)
        ),
    )  # fmt: skip
    (carried,), refused = steps.run(
        "carry_over", {"militia.join": 1},
        lambda: services.carry_over(
            actor=head, township=xinhu, memberships=[last_year], year=2027, joined_on=D(2026, 12, 1)
        ),
    )  # fmt: skip
    assert refused == []
    assert carried.year == 2027
    other = services.join(
        actor=None, person=make_person(name="青年乙", born=D(2003, 6, 1)), unit=company, year=2027,
        category="ordinary", joined_on=D(2026, 12, 1),
    )  # fmt: skip
    steps.run(
        "leave", {"militia.leave": 1, "person.identity.end": 1},
        lambda: services.leave(actor=head, membership=other, left_on=D(2026, 12, 1), reason="外出务工"),
    )  # fmt: skip
    equipment = steps.run(
        "register_equipment", {"militia.equipment.register": 1},
        lambda: services.register_equipment(
            actor=head, township=xinhu, item="救生衣", quantity=20, unit_of_measure="件", place="武装部仓库",
            units=[company],
        ),
    )  # fmt: skip
    steps.run(
        "inspect", {"militia.equipment.inspect": 1},
        lambda: services.inspect(
            actor=head, equipment=equipment, inspected_on=D(2026, 12, 1), inspector="商部长", condition="good",
            quantity=19, notes="一件破损报废",
        ),
    )  # fmt: skip
    steps.check()


def test_the_region_list_two_factor_login_and_log_exports_are_audited_once_each(persona, steps, settings):
    from yizhan.accounts import otp
    from yizhan.regions import services as regions
    from yizhan.system.services import record_log_export

    admin = persona("admin")
    steps.run(
        "load_region_list", {"regions.load": 1},
        lambda: regions.load_region_list(
            actor=admin, entries=[("371402001099", "新湖试点村")], file_name="区划.xlsx"
        ),
    )  # fmt: skip
    xinhu = Region.objects.get(code=XINHU)
    village = steps.run(
        "add_village", {"region.add": 1},
        lambda: regions.add_village(actor=admin, township=xinhu, code="371402001098", name="新湖二村"),
    )  # fmt: skip
    steps.run(
        "rename_region", {"region.rename": 1},
        lambda: regions.rename_region(actor=admin, region=village, name="新湖东村"),
    )  # fmt: skip
    clerk = persona("xinhu_clerk")
    key = otp.new_secret()
    _device, _codes = steps.run(
        "enable", {"otp.enable": 1}, lambda: otp.enable(actor=clerk, key_hex=key, code=code_for_key(key))
    )  # fmt: skip
    steps.run("verify", {"login.otp_failed": 1}, lambda: otp.verify(actor=clerk, code="000000x"))
    steps.run("verify right", {}, lambda: otp.verify(actor=clerk, code=code_for_key(key, ahead=1)))
    steps.run(
        "renew_recovery_codes", {"otp.recovery_renew": 1}, lambda: otp.renew_recovery_codes(actor=clerk)
    )
    steps.run(
        "disable", {"otp.reset": 1},
        lambda: otp.disable(actor=persona("xinhu_head"), user=clerk, reason="手机遗失"),
    )  # fmt: skip
    steps.run(
        "record_log_export", {"audit.export": 1},
        lambda: record_log_export(actor=admin, log="操作日志", rows=12, filters={"action": "person.reveal"}),
    )  # fmt: skip
    steps.check()


def test_the_accounts_writes_are_audited_once_each(persona, make_person, steps):
    from yizhan.accounts import services as accounts
    from yizhan.accounts.models import ApiToken
    from yizhan.worklist import services as worklist

    admin, head = persona("admin"), persona("xinhu_head")
    user, _password = steps.run(
        "create_account", {"user.create": 1, "post.grant": 1},
        lambda: accounts.create_account(
            actor=head, username="xinhu_new", display_name="韩新人", role="station_clerk", department="veterans",
            region_code=XINHU,
        ),
    )  # fmt: skip
    steps.run(
        "create_user", {"user.create": 1},
        lambda: accounts.create_user(actor=admin, username="lone", display_name="孤立", password="Aa1-bcdefghij"),
    )  # fmt: skip
    steps.run(
        "grant_post", {"post.grant": 1},
        lambda: accounts.grant_post(
            actor=head, user=user, role="village_liaison", department="both", region_code="371402001001"
        ),
    )  # fmt: skip
    steps.run(
        "reset_password", {"user.reset_password": 1}, lambda: accounts.reset_password(actor=head, user=user)
    )
    steps.run(
        "change_password", {"user.change_password": 1},
        lambda: accounts.change_password(actor=user, user=user, password="Xinhu-2026-safe"),
    )  # fmt: skip
    steps.run("set_locked", {"user.lock": 1}, lambda: accounts.set_locked(actor=head, user=user, locked=True))
    steps.run(
        "set_locked again",
        {"user.unlock": 1},
        lambda: accounts.set_locked(actor=head, user=user, locked=False),
    )
    himself = make_person(name="韩新人", born=D(1990, 1, 1))
    steps.run(
        "link_person", {"user.link_person": 1},
        lambda: accounts.link_person(actor=head, user=user, person=himself),
    )  # fmt: skip
    steps.run(
        "issue_api_token", {"api_token.issue": 1},
        lambda: accounts.issue_api_token(actor=head, user=user, name="台账同步"),
    )  # fmt: skip
    token = ApiToken.objects.get(user=user)
    steps.run(
        "revoke_api_token",
        {"api_token.revoke": 1},
        lambda: accounts.revoke_api_token(actor=head, token=token),
    )
    steps.run("revoke_api_token again", {}, lambda: accounts.revoke_api_token(actor=head, token=token))
    device, _token = steps.run(
        "issue_device", {"device.issue": 1},
        lambda: accounts.issue_device(actor=head, region_code=XINHU, kind="kiosk", name="大厅取号机"),
    )  # fmt: skip
    steps.run(
        "revoke_device", {"device.revoke": 1}, lambda: accounts.revoke_device(actor=head, device=device)
    )
    village = Region.objects.get(code="371402001001")
    grid = steps.run(
        "save_grid", {"grid.create": 1},
        lambda: accounts.save_grid(actor=head, village=village, name="第三网格", liaison=persona("xinhu_village")),
    )  # fmt: skip
    steps.run(
        "save_grid renamed", {"grid.update": 1},
        lambda: accounts.save_grid(actor=head, village=village, name="第三网格（东）", liaison=None, grid=grid),
    )  # fmt: skip
    steps.run(
        "save_grid_and_hand_over", {"grid.update": 1},  # a grid with no open work: nothing to hand over
        lambda: worklist.save_grid_and_hand_over(
            actor=head, village=village, name="第三网格", liaison=persona("xinhu_village"), grid=grid
        ),
    )  # fmt: skip
    steps.check()


def test_the_halls_ticket_and_window_writes_are_audited_once_each(persona, steps):
    from yizhan.hall import demo as hall_demo
    from yizhan.hall import services as hall
    from yizhan.hall.models import ServiceItem, Window

    hall_demo.ensure_catalog()
    xinhu = Region.objects.get(code=XINHU)
    steps.run(
        "open_standard_windows", {"hall.window.open_standard": 1},
        lambda: hall.open_standard_windows(actor=persona("xinhu_head"), station=xinhu),
    )  # fmt: skip
    clerk, head = persona("xinhu_clerk"), persona("xinhu_head")
    card = ServiceItem.objects.get(name="优待证申领")
    seat = hall.window_for(station=xinhu, item=card)
    steps.run("sign_in", {"hall.window.sign_in": 1}, lambda: hall.sign_in(actor=clerk, window=seat))

    def issue():
        return hall.issue_ticket(actor=None, station=xinhu, item=card, channel="kiosk")

    tickets = [steps.run("issue_ticket", {"hall.ticket.issue": 1}, issue) for _ in range(4)]
    first = steps.run("call_next", {"hall.ticket.call": 1}, lambda: hall.call_next(actor=clerk, window=seat))
    assert first == tickets[0]
    steps.run("recall", {"hall.ticket.recall": 1}, lambda: hall.recall(actor=clerk, ticket=first))
    steps.run(
        "start_service", {"hall.ticket.start": 1}, lambda: hall.start_service(actor=clerk, ticket=first)
    )
    steps.run(
        "finish_service", {"hall.ticket.finish": 1}, lambda: hall.finish_service(actor=clerk, ticket=first)
    )
    second = hall.call_next(actor=clerk, window=seat)
    hall.recall(actor=clerk, ticket=second)
    hall.recall(actor=clerk, ticket=second)
    steps.run(
        "mark_no_show", {"hall.ticket.no_show": 1}, lambda: hall.mark_no_show(actor=clerk, ticket=second)
    )
    third = hall.call_next(actor=clerk, window=seat)
    other = Window.objects.filter(region=xinhu, active=True).exclude(pk=seat.pk).order_by("number").first()
    steps.run(
        "transfer", {"hall.ticket.transfer": 1},
        lambda: hall.transfer(actor=clerk, ticket=third, to_window=other, note="改办民兵事务"),
    )  # fmt: skip
    fourth = hall.call_next(actor=clerk, window=seat)
    steps.run(
        "finish_with_case", {"hall.ticket.finish": 1},
        lambda: hall.finish_with_case(actor=None, ticket=fourth, case_number="BJ2026001"),
    )  # fmt: skip
    steps.run(
        "finish_with_case again", {},
        lambda: hall.finish_with_case(actor=None, ticket=fourth, case_number="BJ2026001"),
    )  # fmt: skip
    steps.run("sign_out", {"hall.window.sign_out": 1}, lambda: hall.sign_out(actor=clerk, window=seat))
    steps.run(
        "save_window", {"hall.window.add": 1},
        lambda: hall.save_window(
            actor=head, station=xinhu, window=None, number=9, kind=seat.kind, prefix="K", items=[card], active=True
        ),
    )  # fmt: skip
    steps.run(
        "set_override", {"hall.item.override": 1},
        lambda: hall.set_override(
            actor=persona("decheng"), item=card, region_code="371402000000", offered=True, promised_days=10,
            visits=1, legal_basis="", note="本区承诺10个工作日", reason="区局规定",
        ),
    )  # fmt: skip
    steps.check()
