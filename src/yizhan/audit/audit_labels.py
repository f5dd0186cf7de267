"""Actions several apps record under one name (a print, an export): named once, here."""

ACTIONS = {"print": "打印", "export": "导出"}
