"""The webhook, outside the language prefixes (Telegram posts to one fixed address)."""

from django.urls import path

from messaging import views

urlpatterns = [
    path("webhook/", views.webhook, name="telegram_webhook"),
]
