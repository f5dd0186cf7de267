"""Chinese names of the reports app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "report.export": "导出统计表",
    "report.print": "打印统计表",
}
OBJECTS = {"report": "统计表"}
