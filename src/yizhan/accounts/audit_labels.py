"""Chinese names of the accounts app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "login": "登录",
    "logout": "退出登录",
    "login_failed": "登录失败",
    "login.otp_failed": "双因素验证失败",
    "user.create": "创建账号",
    "post.grant": "授予岗位",
    "post.end": "结束岗位",
    "api_token.issue": "签发接口令牌",
    "api_token.revoke": "停用接口令牌",
    "user.change_password": "修改密码",
    "user.reset_password": "重置密码",
    "user.lock": "锁定账号",
    "user.unlock": "解锁账号",
    "user.link_person": "关联本人人员档案",
    "user.unlink_person": "取消关联本人人员档案",
    "device.issue": "签发设备令牌",
    "device.revoke": "吊销设备令牌",
    "grid.create": "新建网格",
    "grid.update": "修改网格",
    "otp.enable": "启用双因素登录",
    "otp.disable": "关闭双因素登录",
    "otp.recovery_renew": "重新生成恢复码",
    "session.end": "结束他人会话",
    "audit.export": "导出日志",
}
OBJECTS = {"user": "账号", "post": "岗位", "api_token": "接口令牌", "session": "在线会话"}
