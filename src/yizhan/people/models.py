"""The person registry both departments share.

ID numbers and phones are stored only encrypted (`*_enc`) with a keyed blind index (`*_bidx`) for
exact lookup; what can be derived without revealing them (birth date, sex, birthplace code) is
stored plainly. Every write goes through people.services, which audits it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yizhan.core import crypto
from yizhan.core.masking import mask_id_number, mask_phone
from yizhan.regions.models import Grid, Region

ID_CONTEXT = "person.id_number"
PHONE_CONTEXT = "person.phone"


def masked_id_number(stored: str) -> str:
    """A stored (encrypted) ID number as it may be shown: 371402********123X."""
    return mask_id_number(crypto.decrypt(stored, context=ID_CONTEXT) if stored else "")


def masked_phone(stored: str) -> str:
    return mask_phone(crypto.decrypt(stored, context=PHONE_CONTEXT) if stored else "")


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    NONE = "none", "未上学"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中（中专、技校）"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    POSTGRADUATE = "postgraduate", "研究生"


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", "群众"
    LEAGUE = "league", "共青团员"
    PROBATIONARY = "probationary", "中共预备党员"
    PARTY = "party", "中共党员"
    OTHER_PARTY = "other_party", "民主党派"


class Household(models.Model):
    """A 户: the unit plaques, visits and military-family status attach to."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="households", verbose_name="户籍地"
    )
    # The name the station knows the household by (e.g. "商建国户"); blank: named after its head.
    name = models.CharField("户名", max_length=50, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    # The 网格 of its village the household is placed in; NULL: the village's first grid covers it
    # (people.selectors.grid_of). services.set_household_grid keeps it inside the village.
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.SET_NULL, related_name="households", verbose_name="网格"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "户"

    def __str__(self) -> str:
        # No member's name: a household label appears on task lists, and its head may live under
        # another station's jurisdiction. Pages that may name members use a scoped selector.
        return f"{self.region.name}·户{self.pk}"


# The search box's keys, each followed by what the scope checks (the region, the merge): the
# search finds the people of the user's scope inside the index, before reading a row
# (people.selectors._found_in_index). Without the scope's columns a county-wide key (张 is one
# in ten) read every matching row to drop the other townships': 400 ms at 1M (docs/benchmarks.md).
# On PostgreSQL the key uses the pattern operators, so that LIKE 'zh%' can seek it whatever the
# database's collation (Django's own `_like` index does the same for a single column).
SEARCH_INDEXES = [
    models.Index(
        fields=[key, "region", "merged_into"],
        name=f"person_{key}_scope",
        opclasses=["varchar_pattern_ops", "varchar_ops", "int8_ops"],
    )
    for key in ("name", "name_initials", "name_pinyin")
]


class Person(models.Model):
    # The three search keys are indexed with the region and the merge (SEARCH_INDEXES below).
    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField("姓名全拼", max_length=200, editable=False)
    name_initials = models.CharField("拼音首字母", max_length=50, editable=False)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=20, default="汉族", blank=True)
    id_number_enc = models.TextField(blank=True, editable=False)
    # NULL, not "": several people without a number must not collide on the unique index.
    id_number_bidx = models.CharField(max_length=64, null=True, unique=True, editable=False)  # noqa: DJ001
    birthplace_code = models.CharField("出生地代码", max_length=6, blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_bidx = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # (column, blind index column or None, context): what `yizhan rotate_keys` re-encrypts.
    ENCRYPTED_COLUMNS = (
        ("id_number_enc", "id_number_bidx", ID_CONTEXT),
        ("phone_enc", "phone_bidx", PHONE_CONTEXT),
    )
    # The 户籍 region: a village, or the township when the village is not known yet.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="people", verbose_name="户籍地")
    address = models.CharField("现住址", max_length=200, blank=True)
    education = models.CharField("文化程度", max_length=20, choices=Education.choices, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    photo = models.ForeignKey(
        "Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="照片"
    )
    notes = models.TextField("备注", blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name="户"
    )
    is_household_head = models.BooleanField("户主", default=False)
    dependent_adult = models.BooleanField("成年但不能独立生活", default=False)
    # Indexed only where set (person_merged_into): deleting a person looks here for anyone merged
    # into him (PROTECT, and the database's own foreign-key check), which without an index scanned
    # the registry once a deleted person — an import's undo at 1M, hours. A full index had SQLite's
    # planner take "merged_into IS NULL" (true of nearly every row) as its way into the table
    # (docs/benchmarks.md); a partial one cannot answer IS NULL.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "人员"
        indexes = [
            models.Index(fields=["region", "name"], name="person_region_name"),
            *SEARCH_INDEXES,
            # 兵役登记's cohort is one birth year's males (conscription.must_register_this_year).
            models.Index(fields=["birth_date", "sex"], name="person_birth_sex"),
            models.Index(
                fields=["merged_into"], name="person_merged_into", condition=Q(merged_into__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc, context=ID_CONTEXT) if self.id_number_enc else ""

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc, context=PHONE_CONTEXT) if self.phone_enc else ""

    @property
    def id_number_masked(self) -> str:
        return masked_id_number(self.id_number_enc)

    @property
    def phone_masked(self) -> str:
        return masked_phone(self.phone_enc)

    def age(self, today: datetime.date | None = None) -> int | None:
        if self.birth_date is None:
            return None
        today = today or timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )


class RelationKind(models.TextChoices):
    SPOUSE = "spouse", "配偶"
    PARENT = "parent", "父母"
    CHILD = "child", "子女"
    SIBLING = "sibling", "兄弟姐妹"
    GUARDIAN = "guardian", "监护人（抚养人）"
    WARD = "ward", "被监护人"
    OTHER = "other", "其他"


# Seen from the relative's side: if B is A's parent, A is B's child.
INVERSE_RELATION = {
    RelationKind.SPOUSE: RelationKind.SPOUSE,
    RelationKind.PARENT: RelationKind.CHILD,
    RelationKind.CHILD: RelationKind.PARENT,
    RelationKind.SIBLING: RelationKind.SIBLING,
    RelationKind.GUARDIAN: RelationKind.WARD,
    RelationKind.WARD: RelationKind.GUARDIAN,
    RelationKind.OTHER: RelationKind.OTHER,
}


class Relation(models.Model):
    """`relative` is the `kind` of `person` (e.g. relative=father, kind=parent). One row per pair;
    the other direction is read through INVERSE_RELATION."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_as_relative")
    kind = models.CharField("关系", max_length=20, choices=RelationKind.choices)
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "亲属关系"
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="relation_unique_pair"),
            models.CheckConstraint(condition=~Q(person=models.F("relative")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} 的{self.get_kind_display()}：{self.relative}"


class IdentityKind(models.TextChoices):
    REGISTRANT = "registrant", "兵役登记人员"
    APPLICANT = "applicant", "应征报名人员"
    ACTIVE_SERVICEMEMBER = "active_servicemember", "现役军人"
    VETERAN = "veteran", "退役军人"
    MILITARY_FAMILY = "military_family", "军属"
    BEREAVED_FAMILY = "bereaved_family", "遗属"
    DISABLED_VETERAN = "disabled_veteran", "残疾军人"
    MILITIA = "militia", "民兵"
    PRIORITY_ENTITLED = "priority_entitled", "重点优抚对象"


class BereavedSubtype(models.TextChoices):
    MARTYR = "martyr", "烈士遗属"
    DIED_ON_DUTY = "died_on_duty", "因公牺牲军人遗属"
    DIED_OF_ILLNESS = "died_of_illness", "病故军人遗属"


class Identity(models.Model):
    """A 身份 held from `since` until `until` (open while null), with the event that set it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField("身份", max_length=30, choices=IdentityKind.choices)
    subtype = models.CharField("类别", max_length=30, choices=BereavedSubtype.choices, blank=True)
    since = models.DateField("起始日期")
    until = models.DateField("终止日期", null=True, blank=True)
    # The person whose status gives this one (the serving son of a 军属), if any.
    through = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="因"
    )
    source = models.CharField(
        "来源", max_length=100, help_text="设置此身份的事件，如 manual、enlistment_approved#12"
    )
    # The event that ended it ("event:12"): a corrected or withdrawn fact reopens what it ended.
    ended_by = models.CharField("终止来源", max_length=100, blank=True)

    class Meta:
        verbose_name = "身份"
        indexes = [
            models.Index(fields=["kind", "until"], name="identity_kind_until"),
            # The identities that start or end within a month: what the tally leaves to the rows.
            models.Index(fields=["since"], name="identity_since"),
            models.Index(fields=["until"], name="identity_until"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=IdentityKind.BEREAVED_FAMILY, subtype__gt="")
                | (~Q(kind=IdentityKind.BEREAVED_FAMILY) & Q(subtype="")),
                name="identity_subtype_only_for_bereaved",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="identity_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return self.get_subtype_display() if self.subtype else self.get_kind_display()

    @staticmethod
    def current_q(today: datetime.date | None = None) -> Q:
        today = today or timezone.localdate()
        return Q(since__lte=today) & (Q(until__isnull=True) | Q(until__gt=today))


class ServiceType(models.TextChoices):
    CONSCRIPT = "conscript", "义务兵"
    NCO = "nco", "军士"
    OFFICER = "officer", "军官"


class Branch(models.TextChoices):
    ARMY = "army", "陆军"
    NAVY = "navy", "海军"
    AIR_FORCE = "air_force", "空军"
    ROCKET_FORCE = "rocket_force", "火箭军"
    OTHER_PLA = "other_pla", "其他军兵种"
    ARMED_POLICE = "armed_police", "武警部队"


class SettlementType(models.TextChoices):
    SELF_EMPLOYED = "self_employed", "自主就业"
    ASSIGNED_JOB = "assigned_job", "安排工作"
    RETIRED = "retired", "退休"
    SUPPORTED = "supported", "供养"
    MONTHLY_PENSION = "monthly_pension", "逐月领取退役金"
    TRANSFERRED = "transferred", "转业"
    DEMOBILIZED = "demobilized", "复员"


class ServiceRecord(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="service_records")
    enlisted_on = models.DateField("入伍日期")
    discharged_on = models.DateField("退役日期", null=True, blank=True)
    service_type = models.CharField(
        "人员类别", max_length=20, choices=ServiceType.choices, default=ServiceType.CONSCRIPT
    )
    branch = models.CharField("军兵种", max_length=20, choices=Branch.choices, blank=True)
    settlement_type = models.CharField("安置方式", max_length=20, choices=SettlementType.choices, blank=True)
    discharge_certificate_no = models.CharField("退役证号", max_length=50, blank=True)
    # The events that opened and closed it ("event:12"), so a correction finds what to reverse.
    opened_by = models.CharField("入伍来源", max_length=100, blank=True)
    closed_by = models.CharField("退役来源", max_length=100, blank=True)

    class Meta:
        verbose_name = "服役记录"
        ordering = ["enlisted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("enlisted_on")),
                name="service_discharge_after_enlistment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.enlisted_on:%Y-%m}入伍"


class AwardLevel(models.TextChoices):
    BAYI_MEDAL = "bayi_medal", "八一勋章"
    HONORARY_TITLE = "honorary_title", "荣誉称号"
    FIRST_CLASS = "first_class", "一等功"
    SECOND_CLASS = "second_class", "二等功"
    THIRD_CLASS = "third_class", "三等功"
    OUTSTANDING_SOLDIER = "outstanding_soldier", "优秀士兵"
    FOUR_HAVES = "four_haves", "“四有”优秀士兵"


class Award(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="awards")
    level = models.CharField("奖励等级", max_length=30, choices=AwardLevel.choices)
    awarded_on = models.DateField("授予日期")
    notice_number = models.CharField("通知文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "立功受奖"
        ordering = ["-awarded_on"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_level_display()}"


class DocumentKind(models.TextChoices):
    PHOTO = "photo", "照片"
    ID_CARD = "id_card", "身份证"
    HOUSEHOLD_BOOK = "household_book", "户口簿"
    DISCHARGE_CERTIFICATE = "discharge_certificate", "退役证"
    AWARD_CERTIFICATE = "award_certificate", "立功受奖证书"
    OTHER = "other", "其他"


class Document(models.Model):
    """A scan or photo kept under the data directory (never served as a static file)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("类型", max_length=30, choices=DocumentKind.choices)
    title = models.CharField("名称", max_length=200)
    path = models.CharField(max_length=300, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "材料"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class IdentityTally(models.Model):
    """How many identities of a kind the persons of a village hold, by the months (YYYYMM) they
    started and ended (core.derived.OPEN_MONTH while open); merged duplicates left out. Kept by the database's
    triggers in the transaction of every write to an identity or a person's region
    (core/derived.py), never written from Python; `yizhan derived --check` proves it exact."""

    region_code = models.CharField(max_length=12)
    kind = models.CharField(max_length=30)
    since_month = models.IntegerField()
    until_month = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        verbose_name = "身份统计汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "kind", "since_month", "until_month"], name="identity_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.kind} {self.since_month}–{self.until_month}: {self.n}"
