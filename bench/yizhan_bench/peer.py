"""The peer figure: django-import-export importing the same ledger file into the same table, in the
same run, configured as its documentation advises for speed (use_bulk, skip_diff, no per-row
results kept). It is given the same job where its hooks allow: the village looked up by name, the
person found by his ID number's blind index (its instance loader: one query a row), the number
validated and encrypted, the phone normalised and encrypted, both blind indexes and the pinyin
keys. It writes no audit rows and reports no row-level reasons beyond its own: the work it skips
is the yardstick's advantage, not ours. Run as a dry run in a transaction, so it leaves nothing
behind (its inserts are made and rolled back)."""

from __future__ import annotations

import resource
import time
from pathlib import Path

from import_export import fields, resources, widgets
from tablib import Dataset

from yizhan.core import crypto, idnumber
from yizhan.core.phone import normalize_phone
from yizhan.core.pinyin import name_keys
from yizhan.people.models import ID_CONTEXT, PHONE_CONTEXT, Person
from yizhan.regions.models import Region

SEXES = {"男": "M", "女": "F"}


class PersonResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名")
    sex = fields.Field(attribute="sex", column_name="性别")
    region = fields.Field(
        attribute="region",
        column_name="所属村（社区）",
        widget=widgets.ForeignKeyWidget(Region, field="name"),
    )
    address = fields.Field(attribute="address", column_name="现住址")
    id_number_bidx = fields.Field(attribute="id_number_bidx", column_name="bidx")

    class Meta:
        model = Person
        fields = ("name", "sex", "region", "address", "id_number_bidx")
        import_id_fields = ("id_number_bidx",)
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_html_diff = True

    def before_import_row(self, row, **kwargs):
        info = idnumber.parse(row["公民身份号码"])
        row["bidx"] = crypto.blind_index(info.number, context=ID_CONTEXT)
        row["性别"] = SEXES[row["性别"]]
        row["_info"] = info

    def before_save_instance(self, instance, row, **kwargs):
        info = row["_info"]
        phone = normalize_phone(row["联系电话"])
        instance.birth_date, instance.birthplace_code = info.birth_date, info.area_code
        instance.id_number_enc = crypto.encrypt(info.number, context=ID_CONTEXT)
        instance.phone_enc = crypto.encrypt(phone, context=PHONE_CONTEXT)
        instance.phone_bidx = crypto.blind_index(phone, context=PHONE_CONTEXT)
        instance.name_pinyin, instance.name_initials = name_keys(instance.name)


def run(path: Path, rows: int) -> dict:
    data = Dataset().load(path.read_text(encoding="utf-8-sig"), format="csv")
    data.append_col([""] * len(data), header="bidx")  # filled by before_import_row
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = PersonResource().import_data(data, dry_run=True, use_transactions=True, collect_failed_rows=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError(f"django-import-export reported errors: {result.totals}")
    return {
        "peer_rows_per_s": round(rows / elapsed, 1),
        "peer_seconds": round(elapsed, 2),
        "peer_cpu_us_per_row": round(
            (after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime) / rows * 1e6, 1
        ),
        "peer_new": result.totals.get("new"),
    }
