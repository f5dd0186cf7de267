from django.contrib.auth import views as auth_views
from django.urls import path

from yizhan.accounts import views
from yizhan.accounts.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("security/", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("otp/disable/", views.otp_disable, name="otp_disable"),
    path("device/", views.device_home, name="device"),
    path("device/activate/", views.device_activate, name="device_activate"),
]
