"""Chinese names of the ledgers app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "export.queue": "排队导出",
    "export.download": "下载导出文件",
    "ledger.import.upload": "上传台账",
    "ledger.import.read": "读取台账",
    "ledger.import.header_row": "设置台账表头行",
    "ledger.import.mapping": "设置台账列对应",
    "ledger.import.queue": "排队导入台账",
    "ledger.import.check": "试运行导入台账",
    "ledger.import": "导入台账",
    "ledger.import.cancel": "取消导入台账",
    "ledger.import.undo": "撤销导入台账",
    "ledger.import.report": "下载导入错误报告",
    "ledger.template.save": "保存列对应模板",
}
OBJECTS = {
    "import_run": "台账导入",
    "export_run": "台账导出",
    "ledger": "台账",
    "mapping_template": "列对应模板",
}
