from django.urls import path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("status/", views.status, name="status"),
    path("status/<str:code>/", views.detail, name="detail"),
    path("status/<str:code>/rate/", views.rate, name="rate"),
    path("faq/", views.faq, name="faq"),
    path("mine/", views.mine, name="mine"),
    path("staff/<int:pk>/attachment/", views.attachment, name="attachment"),
]
