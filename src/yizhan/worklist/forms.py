from django import forms

from yizhan.core.dates import FactDateField
from yizhan.core.forms import StyledForm


class CompleteForm(StyledForm):
    outcome = forms.CharField(label="办理结果", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    done_on = FactDateField(label="办结日期")


class BulkForm(StyledForm):
    ACTIONS = [("claim", "认领"), ("assign", "指派给"), ("complete", "办结")]
    action = forms.ChoiceField(label="批量操作", choices=ACTIONS)
    tasks = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    assignee = forms.IntegerField(required=False, widget=forms.HiddenInput)
    outcome = forms.CharField(label="办理结果", max_length=500, required=False)

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = tasks
