"""Where the work of each kind of task is done: the form that records the work and, in the same
transaction, closes the task. One table for every area; URL names only, so the worklist does not
import the areas it links to. A kind without a form is closed with an outcome on the task page."""

from __future__ import annotations

from django.urls import reverse

from yizhan.worklist.models import Task, TaskKind

# kind -> (URL name, which id it takes: the task's or its person's)
WORK_FORMS = {
    TaskKind.GIFT_PACK: ("care:gift_pack_form", "task"),
    TaskKind.MERIT_NOTICE: ("care:merit_notice_form", "task"),
    TaskKind.CONDOLENCE_VISIT: ("care:condolence_form", "task"),
    TaskKind.ALLOWANCE_RECIPIENT: ("benefits:task_recipient", "task"),
    TaskKind.HONOR_PLAQUE: ("benefits:task_plaque", "task"),
    TaskKind.DISCHARGE_CHECKIN: ("veterans:checkin", "person"),
    TaskKind.PROFILE_RECORD: ("veterans:profile", "person"),
    TaskKind.CARD_HANDOUT: ("veterans:person_card", "person"),
    TaskKind.FILE_TRANSFER: ("station:archive_receive", "task"),
}


def work_url(task: Task) -> str | None:
    form = WORK_FORMS.get(task.kind)
    if form is None:
        return None
    name, takes = form
    if takes == "person":
        return reverse(name, args=[task.person_id]) if task.person_id else None
    return reverse(name, args=[task.pk])
