import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.files import PDF
from yizhan.audit.models import AuditEvent
from yizhan.config import KeyRing
from yizhan.core import files
from yizhan.core.crypto import blind_index, decrypt
from yizhan.core.idnumber import make
from yizhan.people.models import ID_CONTEXT, PHONE_CONTEXT, Person
from yizhan.people.services import attach_document, create_person, read_document
from yizhan.regions.models import Region

K1 = bytes(range(32))
K2 = bytes(range(32, 64))
OLD_INDEX_KEY = bytes(range(64, 96))
NEW_INDEX_KEY = bytes(range(96, 128))


def ring(*, keys: dict[str, bytes], active: str, index_key: bytes = OLD_INDEX_KEY, algorithm: str = "aes"):
    return KeyRing(keys=keys, active=active, index_key=index_key, algorithm=algorithm)


@pytest.fixture
def people(world, settings) -> dict[int, tuple[str, str]]:
    """Five people encrypted under k1 (one without a phone): {pk: (id number, phone)}."""
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1}, active="k1")
    village = Region.objects.get(code="371402001001")
    made = {}
    for n in range(5):
        number = make(area_code="371402", birth_date=datetime.date(1980 + n, 5, 17), sex="M", sequence=40 + n)
        phone = f"1391234560{n}" if n else ""
        person = create_person(actor=None, name=f"轮换{n}", id_number=number, phone=phone, region=village)
        made[person.pk] = (number, phone)
    return made


def stored() -> list[tuple]:
    return list(
        Person.objects.order_by("pk").values_list(
            "pk", "id_number_enc", "id_number_bidx", "phone_enc", "phone_bidx"
        )
    )


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_re_encrypts_every_value_with_the_new_key_and_keeps_it_searchable(people, settings):
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1, "k2": K2}, active="k2", index_key=NEW_INDEX_KEY)

    output = rotate("--batch", "2")  # several batches, the last one short

    assert "person.id_number：检查 5 条，重新加密 5 条，盲索引更新 5 条" in output
    assert "person.phone：检查 4 条，重新加密 4 条，盲索引更新 4 条" in output
    for pk, (number, phone) in people.items():
        person = Person.objects.get(pk=pk)
        assert person.id_number_enc.startswith("a1:k2:")
        assert person.id_number == number
        assert Person.objects.get(id_number_bidx=blind_index(number, context=ID_CONTEXT)).pk == pk
        if phone:
            assert person.phone_enc.startswith("a1:k2:")
            assert person.phone == phone
            assert Person.objects.filter(phone_bidx=blind_index(phone, context=PHONE_CONTEXT)).get().pk == pk
        else:
            assert (person.phone_enc, person.phone_bidx) == ("", "")


def test_a_second_run_changes_nothing_and_k1_can_then_be_dropped(people, settings):
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1, "k2": K2}, active="k2", index_key=NEW_INDEX_KEY)
    rotate()
    after_first = stored()

    output = rotate()

    assert stored() == after_first
    assert "person.id_number：检查 5 条，重新加密 0 条，盲索引更新 0 条" in output
    assert "person.phone：检查 4 条，重新加密 0 条，盲索引更新 0 条" in output
    settings.YIZHAN_KEYRING = ring(keys={"k2": K2}, active="k2", index_key=NEW_INDEX_KEY)
    for pk, (number, phone) in people.items():
        person = Person.objects.get(pk=pk)
        assert (person.id_number, person.phone) == (number, phone)


def test_only_the_blind_indexes_are_rewritten_when_only_the_index_key_changed(people, settings):
    before = {pk: enc for pk, enc, *_ in stored()}
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1}, active="k1", index_key=NEW_INDEX_KEY)

    output = rotate()

    assert "person.id_number：检查 5 条，重新加密 0 条，盲索引更新 5 条" in output
    assert {pk: enc for pk, enc, *_ in stored()} == before
    number = next(iter(people.values()))[0]
    assert Person.objects.filter(id_number_bidx=blind_index(number, context=ID_CONTEXT)).exists()


def test_switching_to_sm_re_encrypts_with_sm4_tokens_and_sm3_indexes(people, settings):
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1}, active="k1", algorithm="sm")

    rotate()

    for pk, (number, phone) in people.items():
        person = Person.objects.get(pk=pk)
        assert person.id_number_enc.startswith("s1:k1:")
        assert decrypt(person.id_number_enc, context=ID_CONTEXT) == number
        assert Person.objects.get(id_number_bidx=blind_index(number, context=ID_CONTEXT)).pk == pk
        if phone:
            assert person.phone_enc.startswith("s1:k1:")
            assert person.phone == phone


def test_one_audit_event_records_the_counts_key_and_algorithm_and_no_personal_value(people, settings):
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1, "k2": K2}, active="k2", index_key=NEW_INDEX_KEY)

    rotate("--batch", "2")

    events = list(AuditEvent.objects.filter(action="keys.rotate"))
    assert len(events) == 1
    changes = events[0].changes
    assert changes["active_key"] == "k2"
    assert changes["algorithm"] == "aes"
    assert changes["completed"] is True
    assert changes["columns"]["person.id_number"] == {"checked": 5, "reencrypted": 5, "reindexed": 5}
    assert changes["columns"]["person.phone"] == {"checked": 4, "reencrypted": 4, "reindexed": 4}
    text = json.dumps(changes, ensure_ascii=False)
    for number, phone in people.values():
        assert number not in text
        assert not phone or phone not in text


def test_a_dry_run_counts_but_writes_nothing(people, settings):
    before = stored()
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1, "k2": K2}, active="k2", index_key=NEW_INDEX_KEY)

    output = rotate("--dry-run", "--batch", "3")

    assert "person.id_number：检查 5 条，将重新加密 5 条，将盲索引更新 5 条" in output
    assert stored() == before
    assert not AuditEvent.objects.filter(action="keys.rotate").exists()


def test_a_key_missing_from_the_ring_stops_the_run_naming_row_and_key_and_changes_nothing(people, settings):
    before = stored()
    first_pk = min(people)
    settings.YIZHAN_KEYRING = ring(keys={"k2": K2}, active="k2", index_key=NEW_INDEX_KEY)

    with pytest.raises(CommandError) as caught:
        rotate()

    message = str(caught.value)
    assert f"id={first_pk}" in message
    assert "“k1”" in message
    assert "不在当前密钥环中" in message
    assert stored() == before
    assert not AuditEvent.objects.filter(action="keys.rotate").exists()


def test_a_tampered_token_stops_the_run_without_losing_the_value(people, settings):
    last_pk = max(people)
    token = Person.objects.get(pk=last_pk).id_number_enc
    # Change one character inside the data (the last one may only carry base64 padding bits):
    # the key id is known, but the tag will not verify.
    at = len("a1:k1:") + 20
    broken = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
    Person.objects.filter(pk=last_pk).update(id_number_enc=broken)
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1, "k2": K2}, active="k2", index_key=NEW_INDEX_KEY)

    with pytest.raises(CommandError) as caught:
        rotate("--batch", "3")  # the broken row shares its batch with one good row

    assert f"id={last_pk}" in str(caught.value)
    assert Person.objects.get(pk=last_pk).id_number_enc == broken
    tokens = list(Person.objects.order_by("pk").values_list("id_number_enc", flat=True))
    # The first batch was committed; the failing batch, good row included, was rolled back.
    assert [t[:6] for t in tokens[:4]] == ["a1:k2:"] * 3 + ["a1:k1:"]
    event = AuditEvent.objects.get(action="keys.rotate")
    assert event.changes["completed"] is False
    assert event.changes["columns"]["person.id_number"]["reencrypted"] == 3


def test_a_batch_size_below_one_is_refused_in_chinese(people):
    with pytest.raises(CommandError, match="--batch 必须是正整数"):
        rotate("--batch", "0")


def test_rotation_re_seals_uploaded_documents_with_the_new_key(people, settings):
    person = Person.objects.order_by("pk").first()
    document = attach_document(
        actor=None, person=person, kind="other", title="退役证", content=PDF, filename="a.pdf"
    )
    sealed = files.store("documents") / document.path
    before = sealed.read_bytes()
    settings.YIZHAN_KEYRING = ring(keys={"k1": K1, "k2": K2}, active="k2")

    output = rotate()

    assert "上传文件 documents：检查 1 个，重新加密 1 个" in output
    assert sealed.read_bytes() != before
    assert not files.needs_rotation(sealed)
    settings.YIZHAN_KEYRING = ring(keys={"k2": K2}, active="k2")
    assert read_document(actor=None, document=document) == PDF


def test_every_encrypted_column_of_every_app_is_declared_for_rotation():
    from django.apps import apps

    from yizhan.people.management.commands.rotate_keys import encrypted_columns

    declared = {(c.model, c.enc_field) for c in encrypted_columns()}
    stored = {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name.endswith("_enc")
    }
    assert stored, "the project stores encrypted columns"
    assert stored == declared, (
        f"declare in the model's ENCRYPTED_COLUMNS: {sorted(map(str, stored - declared))}"
    )
