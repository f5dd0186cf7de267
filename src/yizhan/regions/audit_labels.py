"""Chinese names of the regions app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {"regions.load": "载入行政区划"}
OBJECTS = {"region": "行政区划"}
