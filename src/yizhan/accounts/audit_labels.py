"""Chinese names of the accounts app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "login": "登录",
    "logout": "退出登录",
    "login_failed": "登录失败",
    "user.create": "创建账号",
    "post.grant": "授予岗位",
    "post.end": "结束岗位",
    "api_token.issue": "签发接口令牌",
}
OBJECTS = {"user": "账号", "post": "岗位"}
