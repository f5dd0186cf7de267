"""Chinese names of the regions app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {"regions.load": "载入行政区划", "region.add": "新增村（社区）", "region.rename": "更名行政区划"}
OBJECTS = {"region": "行政区划"}
