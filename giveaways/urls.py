from django.urls import path

from giveaways import views

app_name = "giveaways"

urlpatterns = [
    path("", views.giveaway_list, name="list"),
    path("verify/", views.verify_howto, name="verify"),
    path("verify/verify_draw.py", views.verify_script, name="verify_script"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.giveaway_detail, name="detail"),
    path("<int:pk>/entries.txt", views.frozen_list, name="frozen_list"),
]
